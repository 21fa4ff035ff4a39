// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A "Print" button (data-print) opens the browser's print dialog; reports print on A4.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// After a board move (or any swap), the focus goes where the page says (data-focus): the
// moved card, its new column, or the refused move's note. Not the page body.
function focusMarked(root) {
  const target = (root || document).querySelector("[data-focus]");
  if (target) {
    target.focus({ preventScroll: false });
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}
document.addEventListener("DOMContentLoaded", function () { focusMarked(document); });
document.addEventListener("htmx:afterSettle", function () {
  setTimeout(function () { focusMarked(document); }, 0);  // after htmx restores its own focus
});

// A search box takes the page's direction while empty (right to left in Arabic), and the
// direction of what is typed in it (dir="auto") once something is.
function followTyping(input) {
  input.dir = input.value ? "auto" : (document.documentElement.dir || "auto");
}
document.addEventListener("input", function (event) {
  if (event.target.matches && event.target.matches("input[data-bidi-auto]")) {
    followTyping(event.target);
  }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll('input[type="search"][dir="auto"]').forEach(function (input) {
    input.setAttribute("data-bidi-auto", "");
    followTyping(input);
  });
});
