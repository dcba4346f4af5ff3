// A post's images in a lightbox: a modal <dialog> showing the full image with its description as the
// caption. Arrows go to the previous and next image of the same post, Escape closes, the focus stays in
// the dialog and goes back to the image it came from. Without JavaScript each image is a link to the
// full file. The labels come from the gallery's data attributes (translated by the page).
// No inline handler or style (CSP): wired here by delegation, for cards htmx loads later too.
(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const PATHS = { close: ["M18 6 6 18", "m6 6 12 12"], previous: ["m15 18-6-6 6-6"], next: ["m9 18 6-6-6-6"] };

  let dialog = null;
  let parts = null;
  let current = { links: [], index: 0, gallery: null, opener: null };

  function icon(name) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "icon");
    PATHS[name].forEach((d) => {
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      svg.append(path);
    });
    return svg;
  }

  function button(name, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = `lightbox__button lightbox__${name}`;
    element.append(icon(name));
    element.addEventListener("click", action);
    return element;
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-labelledby", "lightbox-caption");
    dialog.setAttribute("aria-describedby", "lightbox-count");
    const figure = document.createElement("figure");
    figure.className = "lightbox__figure";
    const image = document.createElement("img");
    image.className = "lightbox__image";
    const caption = document.createElement("figcaption");
    caption.id = "lightbox-caption";
    caption.className = "lightbox__caption";
    figure.append(image, caption);
    const count = document.createElement("p");
    count.id = "lightbox-count";
    count.className = "lightbox__count";
    const close = button("close", () => dialog.close());
    const previous = button("previous", () => show(current.index - 1));
    const next = button("next", () => show(current.index + 1));
    const bar = document.createElement("div");
    bar.className = "lightbox__bar";
    bar.append(count, close);
    dialog.append(bar, figure, previous, next);
    document.body.append(dialog);
    parts = { image, caption, count, close, previous, next };

    dialog.addEventListener("close", () => {
      parts.image.removeAttribute("src");
      current.opener?.focus();
    });
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // the backdrop
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "ArrowLeft") show(current.index - 1);
      else if (event.key === "ArrowRight") show(current.index + 1);
      else if (event.key === "Tab") trap(event);
      else return;
      event.preventDefault();
    });
  }

  // Tab and Shift+Tab go round the dialog's buttons and never leave it.
  function trap(event) {
    const focusable = Array.from(dialog.querySelectorAll("button")).filter((b) => !b.hidden);
    const at = focusable.indexOf(document.activeElement);
    const step = event.shiftKey ? -1 : 1;
    focusable[(at + step + focusable.length) % focusable.length]?.focus();
  }

  function label(name) {
    return current.gallery?.dataset[`label${name}`] || "";
  }

  function show(index) {
    const total = current.links.length;
    if (!total) return;
    current.index = (index + total) % total;
    const link = current.links[current.index];
    const thumbnail = link.querySelector("img");
    const text = thumbnail?.getAttribute("alt") || "";
    parts.image.src = link.href;
    parts.image.alt = text;
    parts.caption.textContent = text;
    parts.count.textContent = label("Count").replace("{n}", current.index + 1).replace("{total}", total);
    parts.previous.hidden = parts.next.hidden = total < 2;
  }

  function open(link) {
    if (!dialog) build();
    const gallery = link.closest("[data-lightbox]");
    current = {
      links: Array.from(gallery.querySelectorAll("a[href]")),
      index: 0,
      gallery,
      opener: link,
    };
    parts.close.setAttribute("aria-label", label("Close"));
    parts.previous.setAttribute("aria-label", label("Previous"));
    parts.next.setAttribute("aria-label", label("Next"));
    show(current.links.indexOf(link));
    dialog.showModal();
    parts.close.focus();
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("[data-lightbox] a[href]") : null;
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    open(link);
  });

  function announce(root) {
    root.querySelectorAll?.("[data-lightbox] a[href]").forEach((link) => link.setAttribute("aria-haspopup", "dialog"));
  }
  document.addEventListener("htmx:load", (event) => announce(event.target));
  announce(document);
})();
