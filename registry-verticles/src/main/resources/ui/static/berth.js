// Copy buttons: <button data-copy="id"> copies the text of the element with that id. A page served over plain http
// from another host than localhost has no navigator.clipboard; there the text is copied through a selection.
document.addEventListener("click", function (e) {
  var button = e.target.closest("[data-copy]");
  if (!button) return;
  var text = document.getElementById(button.dataset.copy).textContent.trim();
  var copied = navigator.clipboard ? navigator.clipboard.writeText(text) : copyBySelection(text);
  copied.then(function () {
    button.textContent = "Copied";
  }, function () {
    button.textContent = "Copy failed";
  });
});

function copyBySelection(text) {
  var area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  var done = document.execCommand("copy");
  document.body.removeChild(area);
  return done ? Promise.resolve() : Promise.reject(new Error("the browser refused to copy"));
}
