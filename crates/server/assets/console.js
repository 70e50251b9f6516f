// openkyc review console: keyboard navigation and the decision dialogs.
// Loaded as a file (the Content-Security-Policy allows no inline script);
// every page works without it except the dialogs' open buttons.
"use strict";

(function () {
  // Keys typed into a field, or Enter on a focused link or button, are
  // theirs, not shortcuts.
  function typing(event) {
    const target = event.target;
    if (!target) return false;
    if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return true;
    return event.key === "Enter" && ["A", "BUTTON"].includes(target.tagName);
  }

  function openDialog(id) {
    const dialog = document.getElementById(id);
    const opener = document.querySelector('[data-dialog="' + id + '"]');
    if (!dialog || (opener && opener.disabled) || dialog.open) return;
    dialog.showModal();
    const first = dialog.querySelector("input[type=checkbox], textarea");
    if (first) first.focus();
  }

  function setUpDialogs() {
    document.querySelectorAll("[data-dialog]").forEach(function (button) {
      button.addEventListener("click", function () { openDialog(button.dataset.dialog); });
    });
    document.querySelectorAll("dialog button.cancel").forEach(function (button) {
      button.addEventListener("click", function () { button.closest("dialog").close(); });
    });
  }

  function setUpQueue() {
    const rows = Array.from(document.querySelectorAll("#queue tr.case"));
    if (rows.length === 0) return null;
    let index = 0;
    function select(next) {
      rows[index].classList.remove("selected");
      rows[index].removeAttribute("aria-selected");
      index = Math.max(0, Math.min(rows.length - 1, next));
      rows[index].classList.add("selected");
      rows[index].setAttribute("aria-selected", "true");
      rows[index].scrollIntoView({ block: "nearest" });
    }
    select(0);
    return {
      next: function () { select(index + 1); },
      previous: function () { select(index - 1); },
      open: function () {
        const link = rows[index].querySelector("a.case-link");
        if (link) window.location.assign(link.href);
      },
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpDialogs();
    const queue = setUpQueue();
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector("dialog[open]")) return;
      const keys = {
        j: function () { if (queue) queue.next(); },
        k: function () { if (queue) queue.previous(); },
        Enter: function () { if (queue) queue.open(); },
        a: function () { openDialog("approve-dialog"); },
        r: function () { openDialog("retry-dialog"); },
        x: function () { openDialog("reject-dialog"); },
      };
      const action = keys[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
  });
})();
