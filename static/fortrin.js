/* Fortrin's only script (the Content-Security-Policy allows no inline script): start DKFDS, and
   wire the buttons that print the page (data-print), which used to be inline onclick handlers, and
   the buttons that copy a text (data-copy). */
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
    // After a refused form, the error summary takes the focus (GOV.UK, DKFDS): a screen reader
    // reads it at once, and each entry links to its field.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
    var copiers = document.querySelectorAll("[data-copy]");
    for (var j = 0; j < copiers.length; j++) {
      wireCopy(copiers[j]);
    }
  }
  // A button that copies a text field (data-copy: its id) and says so in the status region; shown
  // only where it can work (without script the text can still be selected and copied by hand).
  function wireCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied") || "";
        }
      };
      var fallback = function () {
        source.focus();
        source.select();
        try {
          document.execCommand("copy");
        } catch (ignored) {
          // Selected: the user can copy it with the keyboard.
        }
        done();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
