/* Customer sign-off: draw a signature with a mouse, pen or finger on the form's canvas.
   On submit the drawing goes into the hidden "signature_png" field as a PNG data URL (empty when
   nothing was drawn); the server checks that it is a PNG of bounded size. No external scripts. */
(function () {
  "use strict";

  function setUp(form) {
    var canvas = form.querySelector("canvas");
    var field = form.querySelector("input[name=signature_png]");
    var clear = form.querySelector("[data-signature-clear]");
    if (!canvas || !field || !canvas.getContext) {
      return;
    }
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function fit() {
      // Pixel size follows the shown size (at most 2× for sharp lines on high-density screens).
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
      drawn = false;
    }

    function at(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function start(event) {
      drawing = true;
      last = at(event);
      if (canvas.setPointerCapture && event.pointerId !== undefined) {
        canvas.setPointerCapture(event.pointerId);
      }
      event.preventDefault();
    }

    function move(event) {
      if (!drawing) {
        return;
      }
      var point = at(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(point.x, point.y);
      context.stroke();
      last = point;
      drawn = true;
      event.preventDefault();
    }

    function stop() {
      drawing = false;
    }

    if (window.PointerEvent) {
      canvas.addEventListener("pointerdown", start);
      canvas.addEventListener("pointermove", move);
      ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
        canvas.addEventListener(name, stop);
      });
    } else {
      // Older touch browsers without pointer events.
      var first = function (handler) {
        return function (event) {
          if (event.touches && event.touches.length) {
            var touch = event.touches[0];
            handler({
              clientX: touch.clientX,
              clientY: touch.clientY,
              preventDefault: function () {
                event.preventDefault();
              },
            });
          }
        };
      };
      canvas.addEventListener("mousedown", start);
      canvas.addEventListener("mousemove", move);
      window.addEventListener("mouseup", stop);
      canvas.addEventListener("touchstart", first(start), { passive: false });
      canvas.addEventListener("touchmove", first(move), { passive: false });
      canvas.addEventListener("touchend", stop);
    }

    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        field.value = "";
      });
    }
    form.addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
    window.addEventListener("resize", function () {
      if (!drawn) {
        fit();
      }
    });
    fit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-signature-pad]"), setUp);
  });
})();
