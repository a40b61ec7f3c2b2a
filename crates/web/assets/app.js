// Progressive enhancement only: every page works without this file.
// Suggests communes (with their département) and métiers while typing, from the catalogue's
// own API, in the <datalist> of every field marked data-suggest="communes" or "metiers".
// Without it, the server offers a choice when what was typed is ambiguous.
(function () {
  if (!window.fetch) return;
  var fields = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(fields, function (input) {
    var kind = input.getAttribute("data-suggest");
    var list = input.list;
    if (!list || (kind !== "communes" && kind !== "metiers")) return;
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch("/api/v1/" + kind + "?q=" + encodeURIComponent(q))
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) {
            list.textContent = "";
            found.forEach(function (x) {
              var option = document.createElement("option");
              if (kind === "communes") {
                option.value = x.label;
                option.textContent = x.place + (x.known_as ? " · ancienne commune " + x.known_as : "");
              } else {
                option.value = x.label + " (" + x.code + ")";
              }
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();

// The share block: "copy the link" where the clipboard is reachable, the phone's own share
// sheet where it has one. Without them, the plain links and the address stay.
(function () {
  document.querySelectorAll("[data-copy]").forEach(function (copy) {
    var input = document.getElementById(copy.getAttribute("data-copy"));
    if (!input || !navigator.clipboard) return;
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        copy.textContent = copy.getAttribute("data-done") || "Lien copié";
      });
    });
  });
  var share = document.querySelector("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: share.getAttribute("data-title"), url: share.getAttribute("data-url") })
        .catch(function () {});
    });
  }
})();

// Forms marked data-autosubmit (the widget builder) show the effect of a choice at once; the
// button stays for those without this script.
(function () {
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });
})();

// The workshop's projector screen (data-refresh="seconds"): its results are fetched again and
// replaced in place, without reloading the page. Without script, its link refreshes it.
(function () {
  var live = document.querySelector("[data-refresh]");
  if (!live || !window.fetch || !window.DOMParser) return;
  var every = (parseInt(live.getAttribute("data-refresh"), 10) || 15) * 1000;
  setInterval(function () {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-refresh]");
        if (next) live.innerHTML = next.innerHTML;
      })
      .catch(function () {});
  }, every);
})();
