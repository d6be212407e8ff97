/* Fortrin's only script (the Content-Security-Policy allows no inline script): start DKFDS, and
   wire the buttons that print the page (data-print), which used to be inline onclick handlers. */
(function () {
  "use strict";
  function start() {
    if (window.DKFDS) {
      window.DKFDS.init();
    }
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        window.print();
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
