// Essaim's own small script: keyboard niceties. No inline handlers (CSP).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details[open]").forEach((menu) => {
    menu.removeAttribute("open");
    menu.querySelector("summary")?.focus();
  });
});
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.usermenu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
// A form with data-confirm="<dialog id>" asks first, in that <dialog> (its data-confirm-slot="title"
// and "text" take the form's data-confirm-title and data-confirm-text); confirmed, it is sent with
// confirmed=on. Without scripts the server asks on a page of its own.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed) return;
  const dialog = document.getElementById(form.dataset.confirm);
  if (!(dialog instanceof HTMLDialogElement)) return;
  event.preventDefault();
  for (const slot of dialog.querySelectorAll("[data-confirm-slot]")) {
    const text = form.dataset[slot.dataset.confirmSlot === "title" ? "confirmTitle" : "confirmText"];
    if (text) slot.textContent = text;
  }
  dialog.returnValue = "";
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "confirm") {
      form.querySelector("button[type=submit]")?.focus();
      return;
    }
    const confirmed = document.createElement("input");
    Object.assign(confirmed, { type: "hidden", name: "confirmed", value: "on" });
    form.append(confirmed);
    form.dataset.confirmed = "1";
    form.submit();
  }, { once: true });
  dialog.showModal();
});
// A request htmx sent that the server refused with a sentence (429 "too many…", 403, 413) says it where the
// person looks, in a status line at the top of the page, instead of a button that seems to do nothing.
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  if (!xhr || !(xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain")) return;
  let line = document.getElementById("request-refused");
  if (!line) {
    line = document.createElement("p");
    line.id = "request-refused";
    line.className = "message message--error";
    line.setAttribute("role", "alert");
    document.querySelector("main")?.prepend(line);
  }
  line.textContent = xhr.responseText;
});
