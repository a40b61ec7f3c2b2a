// On the host page (optional): sizes every Tremplin widget frame to its content. Messages are
// taken only from the origin the frame was loaded from, and only a height is read from them.
(function () {
  window.addEventListener("message", function (e) {
    var d = e.data;
    if (!d || d.tremplin !== "hauteur" || typeof d.hauteur !== "number") return;
    var frames = document.querySelectorAll("iframe[data-tremplin]");
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      var origin;
      try { origin = new URL(f.src, location.href).origin; } catch (_) { continue; }
      if (origin === e.origin && f.contentWindow === e.source) {
        f.style.height = Math.min(Math.max(d.hauteur, 200), 5000) + "px";
      }
    }
  });
})();
