// Keyboard help for dialogs and link-buttons, before and without the WebAssembly
// (server/docs/accessibility.md).
(() => {
  const FOCUSABLE =
    'a[href],button:not([disabled]),input:not([type=hidden]):not([disabled]),textarea:not([disabled]),select:not([disabled]),[tabindex]:not([tabindex="-1"])';
  const modal = () => {
    for (const d of document.querySelectorAll("dialog[open]")) {
      if (!d.matches(":modal")) {
        d.removeAttribute("open");
        d.showModal();
      }
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", modal);
  else modal();
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (ev.key === " " && t instanceof HTMLAnchorElement && t.getAttribute("role") === "button") {
      ev.preventDefault();
      t.click();
      return;
    }
    if (ev.key !== "Tab") return;
    const d = document.querySelector("dialog:modal");
    if (!d) return;
    const items = [...d.querySelectorAll(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
    if (items.length === 0) return;
    const [first, last] = [items[0], items[items.length - 1]];
    const at = document.activeElement;
    if (ev.shiftKey ? at === first || !d.contains(at) : at === last || !d.contains(at)) {
      ev.preventDefault();
      (ev.shiftKey ? last : first).focus();
    }
  });
})();
