// Progressive enhancement only: every page works without this file.
// A «Skriv ut» button where the page marks a place for it.
document.querySelectorAll("[data-utskrift]").forEach(function (place) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "ds-button";
  button.setAttribute("data-variant", "secondary");
  button.textContent = "Skriv ut resultatet og sjekklisten";
  button.addEventListener("click", function () { window.print(); });
  place.appendChild(button);
});

// An error summary takes the focus when the page opens, so a screen reader reads it first;
// its links move the focus to the field they name (a plain link would only scroll there).
var summary = document.querySelector(".ds-error-summary");
if (summary) {
  summary.focus();
  summary.querySelectorAll("a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
      }
    });
  });
}

// «Kopier adressen» beside a result's shareable address. The clipboard API needs a secure
// page (https, or this machine); elsewhere the address is selected for the user to copy.
document.querySelectorAll("[data-kopier]").forEach(function (place) {
  var link = document.querySelector("[data-del]");
  if (!link) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "ds-button";
  button.setAttribute("data-variant", "secondary");
  button.textContent = "Kopier adressen";
  var status = document.createElement("p");
  status.className = "ds-paragraph";
  status.setAttribute("role", "status");
  function selectIt() {
    var range = document.createRange();
    range.selectNodeContents(link);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = "Adressen er merket. Kopier den med Ctrl+C, eller hold fingeren på den.";
  }
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link.href).then(function () {
        status.textContent = "Adressen er kopiert.";
      }, selectIt);
    } else {
      selectIt();
    }
  });
  place.appendChild(button);
  place.appendChild(status);
});
