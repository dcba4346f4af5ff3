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
