// Copy buttons: <button data-copy="id"> copies the text of the element with that id.
document.addEventListener("click", function (e) {
  var button = e.target.closest("[data-copy]");
  if (!button) return;
  var text = document.getElementById(button.dataset.copy).textContent.trim();
  navigator.clipboard.writeText(text).then(function () {
    button.textContent = "Copied";
  });
});
