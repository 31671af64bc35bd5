/* A button marked data-geolocate fills the latitude and longitude fields of its form from the phone's position. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-geolocate]"), function (button) {
    if (!("geolocation" in navigator)) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      var form = button.form || document;
      var lat = form.querySelector("[name=latitude]");
      var lon = form.querySelector("[name=longitude]");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lon.value = position.coords.longitude.toFixed(6);
          lat.dispatchEvent(new Event("change", { bubbles: true }));
          button.disabled = false;
        },
        function () {
          button.disabled = false;
          window.alert(button.getAttribute("data-error") || "");
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  });
})();
