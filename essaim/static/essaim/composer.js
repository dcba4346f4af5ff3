// The composer's @mention and #tag suggestions. No inline handlers (CSP): wired here.
(() => {
  const script = document.currentScript;
  const urls = { "@": script?.dataset.mentionsUrl, "#": script?.dataset.tagsUrl };
  const TOKEN = /(^|\s)([@#])([\p{L}\p{N}._-]{1,40})$/u;

  function setup(form) {
    const text = form.querySelector("textarea[name=body]");
    const list = form.querySelector("[data-suggestions]");
    if (!text || !list || !window.htmx) return;
    let current = null;

    function close() { list.hidden = true; list.replaceChildren(); current = null; }

    text.addEventListener("input", () => {
      const before = text.value.slice(0, text.selectionStart);
      const match = before.match(TOKEN);
      if (!match || !urls[match[2]]) { close(); return; }
      current = { start: before.length - match[2].length - match[3].length, end: before.length };
      const url = `${urls[match[2]]}?q=${encodeURIComponent(match[3])}`;
      window.htmx.ajax("GET", url, { target: list, swap: "innerHTML" }).then(() => { list.hidden = false; });
    });
    text.addEventListener("keydown", (event) => { if (event.key === "Escape") close(); });
    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-insert]");
      if (!button || !current) return;
      const insert = `${button.dataset.insert} `;
      text.value = text.value.slice(0, current.start) + insert + text.value.slice(current.end);
      const caret = current.start + insert.length;
      close();
      text.focus();
      text.setSelectionRange(caret, caret);
    });
  }

  document.querySelectorAll("form[data-composer]").forEach(setup);
})();
