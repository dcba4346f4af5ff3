// Suggestions while typing, as an ARIA 1.2 combobox (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/):
// * @mentions and #tags in every textarea marked `data-suggest` (the composer, comments, replies, edits):
//   the list opens at the caret and picking inserts `@handle ` or `#tag `;
// * the people picker (`[data-picker]`, essaim/people/pickers.py): the list opens under its search box
//   and picking adds a chip (a hidden input) with a remove button.
// Arrows move, Enter and Tab pick, Escape closes, a click picks. The list is kept inside the visible
// viewport and above the phone's bottom bar, flipping above its anchor when there is no room below.
// The server ranks and filters the options (only people and tags the reader may see).
// No framework and no inline handler (CSP): everything is wired here, by delegation, so content that
// htmx swaps in later works too.
(() => {
  const script = document.currentScript;
  const urls = { "@": script?.dataset.mentionsUrl, "#": script?.dataset.tagsUrl };
  const TOKEN = /(^|[\s(])([@#])([\p{L}\p{N}._-]{1,40})$/u;
  const FIELDS = "textarea[data-suggest], [data-picker] .picker__input";
  const GAP = 4;
  const MARGIN = 8;
  const MAX_HEIGHT = 320;
  const DELAY_MS = 120;

  const list = document.createElement("ul");
  list.id = "combobox-listbox";
  list.className = "combobox-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", script?.dataset.listLabel || "Suggestions");
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.append(list, status);

  // The field the list belongs to, what it completes, its options and the active one.
  let state = null;
  let timer = 0;
  let sequence = 0;

  function prepare(field) {
    if (field.dataset.comboboxReady) return;
    field.dataset.comboboxReady = "1";
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "false");
    field.setAttribute("aria-controls", list.id);
    field.setAttribute("autocomplete", "off");
  }

  function prepareAll(root) {
    root.querySelectorAll?.(FIELDS).forEach(prepare);
  }

  function options() {
    return Array.from(list.querySelectorAll('[role=option]:not([aria-disabled="true"])'));
  }

  function close() {
    window.clearTimeout(timer);
    sequence += 1;
    if (state) {
      state.field.setAttribute("aria-expanded", "false");
      state.field.removeAttribute("aria-activedescendant");
    }
    state = null;
    list.hidden = true;
    list.replaceChildren();
  }

  function activate(index) {
    const all = options();
    if (!state || !all.length) return;
    state.index = (index + all.length) % all.length;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === state.index)));
    const current = all[state.index];
    state.field.setAttribute("aria-activedescendant", current.id);
    // Within the list only (scrollIntoView would scroll the page too).
    if (current.offsetTop < list.scrollTop) list.scrollTop = current.offsetTop;
    const bottom = current.offsetTop + current.offsetHeight;
    if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }

  // --- Where the list goes -------------------------------------------------------------------

  const MIRRORED = [
    "boxSizing", "width", "height", "overflowX", "overflowY", "borderTopWidth", "borderRightWidth",
    "borderBottomWidth", "borderLeftWidth", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
    "fontStyle", "fontVariant", "fontWeight", "fontStretch", "fontSize", "lineHeight", "fontFamily",
    "textAlign", "textTransform", "textIndent", "letterSpacing", "wordSpacing", "tabSize",
  ];

  // The caret's box in the viewport: a hidden copy of the textarea (same box and font) holds the
  // text before `position`, and a marker after it stands where the caret is.
  function caretBox(textarea, position) {
    const style = window.getComputedStyle(textarea);
    const mirror = document.createElement("div");
    MIRRORED.forEach((name) => { mirror.style[name] = style[name]; });
    Object.assign(mirror.style, {
      position: "absolute", visibility: "hidden", top: "0", left: "-9999px",
      whiteSpace: "pre-wrap", overflowWrap: "break-word", overflow: "hidden",
    });
    mirror.textContent = textarea.value.slice(0, position);
    const marker = document.createElement("span");
    marker.textContent = textarea.value.slice(position, position + 1) || ".";
    mirror.append(marker);
    document.body.append(mirror);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const top = marker.offsetTop + parseFloat(style.borderTopWidth) - textarea.scrollTop;
    const left = marker.offsetLeft + parseFloat(style.borderLeftWidth) - textarea.scrollLeft;
    mirror.remove();
    const box = textarea.getBoundingClientRect();
    const y = Math.min(Math.max(box.top + top, box.top), box.bottom - line);
    return { top: y, bottom: y + line, left: Math.min(box.left + left, box.right) };
  }

  // The part of the viewport the list may use: not under the phone's bottom bar, nor the keyboard.
  function room() {
    const viewport = window.visualViewport;
    let bottom = viewport ? viewport.offsetTop + viewport.height : window.innerHeight;
    const bar = document.querySelector(".bottomnav");
    if (bar && window.getComputedStyle(bar).display !== "none") {
      bottom = Math.min(bottom, bar.getBoundingClientRect().top);
    }
    const top = viewport ? viewport.offsetTop : 0;
    return { top: top + MARGIN, bottom: bottom - MARGIN, width: document.documentElement.clientWidth };
  }

  function place() {
    if (!state) return;
    const anchor = state.token ? caretBox(state.field, state.token.start) : state.field.getBoundingClientRect();
    const space = room();
    const below = space.bottom - anchor.bottom - GAP;
    const above = anchor.top - space.top - GAP;
    list.style.maxHeight = "";
    list.style.minWidth = state.token ? "" : `${Math.round(state.field.getBoundingClientRect().width)}px`;
    const natural = Math.min(list.scrollHeight, MAX_HEIGHT);
    const flip = natural > below && above > below;
    const height = Math.max(Math.min(natural, flip ? above : below), 0);
    list.style.maxHeight = `${height}px`;
    const width = list.offsetWidth;
    const left = Math.max(MARGIN, Math.min(anchor.left, space.width - width - MARGIN));
    const top = flip ? anchor.top - GAP - height : anchor.bottom + GAP;
    list.style.left = `${Math.round(left + window.scrollX)}px`;
    list.style.top = `${Math.round(top + window.scrollY)}px`;
    list.dataset.placement = flip ? "above" : "below";
  }

  // --- Asking the server ---------------------------------------------------------------------

  function show(field, url, token) {
    window.clearTimeout(timer);
    const asked = ++sequence;
    timer = window.setTimeout(async () => {
      let html = "";
      try {
        const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
        if (!response.ok) return;
        html = await response.text();
      } catch {
        return;
      }
      if (asked !== sequence || document.activeElement !== field) return;
      const parsed = document.createElement("template");
      parsed.innerHTML = html;
      const message = parsed.content.querySelector("template[data-status]");
      const chosen = chosenValues(field);
      const items = Array.from(parsed.content.querySelectorAll("li[role=option]")).filter(
        (item) => !chosen.has(item.dataset.insert),
      );
      if (!items.length) { close(); return; } // everyone offered is chosen already
      if (state && state.field !== field) close();
      state = { field, token, index: -1 };
      list.replaceChildren(...items);
      list.hidden = false;
      field.setAttribute("aria-controls", list.id);
      field.setAttribute("aria-expanded", "true");
      field.removeAttribute("aria-activedescendant");
      place();
      if (options().length) activate(0);
      status.textContent = message ? message.content.textContent.trim() : "";
    }, DELAY_MS);
  }

  function suggestInText(field) {
    const before = field.value.slice(0, field.selectionStart);
    const match = field.selectionStart === field.selectionEnd && before.match(TOKEN);
    if (!match || !urls[match[2]]) { close(); return; }
    const token = { start: before.length - match[2].length - match[3].length, end: before.length };
    show(field, `${urls[match[2]]}?q=${encodeURIComponent(match[3])}`, token);
  }

  function suggestPeople(field) {
    const picker = field.closest("[data-picker]");
    const query = field.value.trim();
    if (!query || query.includes(",")) { close(); return; }
    show(field, `${picker.dataset.url}?q=${encodeURIComponent(query)}`, null);
  }

  // --- Picking -------------------------------------------------------------------------------

  function pick(option) {
    if (!state || !option || option.getAttribute("aria-disabled") === "true") return;
    const { field, token } = state;
    close();
    if (token) {
      const insert = `${option.dataset.insert} `;
      field.focus();
      field.setRangeText(insert, token.start, field.selectionStart, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      const avatar = option.querySelector(".avatar");
      addChip(field, option.dataset.insert, option.dataset.label || option.dataset.insert, avatar);
    }
  }

  function chosenValues(field) {
    const picker = field.closest("[data-picker]");
    if (!picker) return new Set();
    return new Set(Array.from(picker.querySelectorAll(".chip input[type=hidden]"), (input) => input.value));
  }

  function addChip(field, value, label, avatar) {
    const picker = field.closest("[data-picker]");
    const chips = picker.querySelector(".picker__chips");
    const template = picker.querySelector("template[data-chip]");
    if (!chips || !template) return;
    if (!("multiple" in picker.dataset)) chips.replaceChildren();
    const chip = template.content.firstElementChild.cloneNode(true);
    const input = chip.querySelector("input[type=hidden]");
    input.name = field.name;
    input.value = value;
    chip.querySelector(".chip__label").textContent = label;
    const removeText = chip.querySelector(".chip__remove .visually-hidden");
    removeText.textContent = removeText.textContent.replace("__NAME__", label);
    const icon = chip.querySelector("[data-avatar]");
    if (avatar) {
      const copy = avatar.cloneNode(true);
      copy.classList.replace("avatar--sm", "avatar--xs");
      icon.replaceWith(copy);
    }
    chips.append(chip);
    field.value = "";
    field.focus();
    status.textContent = picker.dataset.addedLabel ? picker.dataset.addedLabel.replace("__NAME__", label) : label;
  }

  function removeChip(button) {
    const picker = button.closest("[data-picker]");
    const chip = button.closest(".chip");
    const label = chip.querySelector(".chip__label")?.textContent || "";
    chip.remove();
    picker.querySelector(".picker__input")?.focus();
    if (picker.dataset.removedLabel) status.textContent = picker.dataset.removedLabel.replace("__NAME__", label);
  }

  function typedAddress(field) {
    const picker = field.closest("[data-picker]");
    const value = field.value.trim();
    return picker && "addresses" in picker.dataset && /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/.test(value) ? value : "";
  }

  // --- Events --------------------------------------------------------------------------------

  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLElement) || !field.matches(FIELDS)) return;
    prepare(field);
    if (field.matches("textarea[data-suggest]")) suggestInText(field);
    else suggestPeople(field);
  });

  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLElement && event.target.matches(FIELDS)) prepare(event.target);
  });

  document.addEventListener("focusout", (event) => {
    if (state && event.target === state.field) close();
  });

  // In the capture phase: before the page's own Escape handler (which closes menus and the reply
  // form this field may be in) and before the form sees Enter.
  document.addEventListener("keydown", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLElement) || !field.matches(FIELDS)) return;
    const open = state && state.field === field && !list.hidden;
    if (open) {
      const handled = {
        ArrowDown: () => activate(state.index + 1),
        ArrowUp: () => activate(state.index - 1),
        Enter: () => pick(options()[state.index]),
        Tab: () => pick(options()[state.index]),
        Escape: () => close(),
      }[event.key];
      if (handled && (event.key === "Escape" || state.index >= 0)) {
        event.preventDefault();
        event.stopPropagation();
        handled();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") close();
    }
    if (!field.matches(".picker__input")) return;
    if (event.key === "Enter" && typedAddress(field)) {
      event.preventDefault();
      addChip(field, typedAddress(field), typedAddress(field), null);
    } else if (event.key === "Backspace" && !field.value) {
      const last = field.closest("[data-picker]").querySelector(".chip:last-child .chip__remove");
      if (last) {
        event.preventDefault();
        removeChip(last);
      }
    }
  }, true);

  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the field
  list.addEventListener("click", (event) => {
    const option = event.target instanceof Element ? event.target.closest("[role=option]") : null;
    if (option) pick(option);
  });

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-picker] [data-remove]") : null;
    if (button) removeChip(button);
  });

  window.addEventListener("resize", place);
  window.visualViewport?.addEventListener("resize", place);
  document.addEventListener("scroll", (event) => {
    if (state && event.target === state.field) place();
  }, true);
  document.addEventListener("htmx:load", (event) => prepareAll(event.target));
  prepareAll(document);
})();
