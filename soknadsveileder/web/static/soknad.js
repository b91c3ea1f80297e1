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
