// The composer's files kept from a refused post: after "Remove" takes one away (htmx swaps its row out),
// the focus goes to the next kept file's button, or to the file picker, instead of being lost with the row.
// No inline handlers (CSP): wired here.
document.addEventListener("htmx:beforeSwap", (event) => {
  const row = event.target instanceof Element ? event.target.closest(".kept-file") : null;
  if (!row) return;
  const form = row.closest("form");
  const list = row.parentElement;
  const next = (row.nextElementSibling || row.previousElementSibling)?.querySelector(".kept-file__remove");
  window.setTimeout(() => {
    if (list && !list.children.length) list.closest(".kept-files")?.remove();
    (next || form?.querySelector("input[type=file]"))?.focus();
  }, 0);
});
