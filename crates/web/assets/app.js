// Progressive enhancement only: every page works without this file.
// Suggests communes while typing, from the catalogue's own API.
(function () {
  var input = document.getElementById("commune");
  var list = document.getElementById("communes-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (q.length < 2 || q === last) return;
    last = q;
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch("/api/v1/communes?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (communes) {
          list.textContent = "";
          communes.forEach(function (c) {
            var option = document.createElement("option");
            option.value = c.label;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
