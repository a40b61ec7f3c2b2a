// Inside the widget's frame: tells the host page the height of the content, so an optional
// script there (widget.js) can size the frame. Only a number is sent: nothing private.
(function () {
  if (window.parent === window) return;
  var last = 0;
  function send() {
    var h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== last) {
      last = h;
      window.parent.postMessage({ tremplin: "hauteur", hauteur: h }, "*");
    }
  }
  window.addEventListener("load", send);
  window.addEventListener("resize", send);
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
})();
