// The top bar's search box: suggestions while typing (people, spaces, tags, then "search posts for …"),
// as an ARIA 1.2 combobox. Arrows move, Enter opens the active suggestion (or searches), Escape closes.
// The server renders the options (only what the reader may see); no inline handler (CSP).
(() => {
  const form = document.querySelector("[data-search-box]");
  if (!form) return;
  const input = form.querySelector("input[type=search]");
  const list = form.querySelector("[role=listbox]");
  const url = form.dataset.suggestionsUrl;
  const DELAY_MS = 120;
  let timer = 0;
  let sequence = 0;
  let active = -1;

  const options = () => Array.from(list.querySelectorAll("[role=option]"));

  function close() {
    window.clearTimeout(timer);
    sequence += 1;
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function activate(index) {
    const all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  async function load() {
    const q = input.value.trim();
    if (!q) return close();
    const mine = ++sequence;
    const response = await fetch(`${url}?q=${encodeURIComponent(q)}`, { headers: { "HX-Request": "true" } });
    if (mine !== sequence || !response.ok) return;
    list.innerHTML = await response.text();
    active = -1;
    const any = options().length > 0;
    list.hidden = !any;
    input.setAttribute("aria-expanded", String(any));
  }

  function go(option) {
    if (option?.dataset.href) window.location.assign(option.dataset.href);
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) return;
      event.preventDefault();
      activate(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      go(options()[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  list.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus in the box
  list.addEventListener("click", (event) => go(event.target.closest("[role=option]")));
  input.addEventListener("blur", () => window.setTimeout(close, 150));
})();
