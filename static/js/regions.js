// Cascading province → city → district selects for GB/T 2260 codes (served by the portal, no CDN).
(function () {
  "use strict";
  var script = document.currentScript;
  var province = document.getElementById("id_province");
  var city = document.getElementById("id_city");
  var district = document.getElementById("id_region_code");
  if (!province || !city || !district) return;
  var pleaseChoose = city.options.length ? city.options[0].text : "请选择";

  fetch(script.dataset.regionsUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (names) {
      var codes = Object.keys(names).sort();
      function fill(select, items, keep) {
        select.innerHTML = "";
        select.add(new Option(pleaseChoose, ""));
        items.forEach(function (code) { select.add(new Option(names[code], code)); });
        select.value = items.indexOf(keep) >= 0 ? keep : "";
      }
      function offers(select, items) {
        var values = Array.prototype.map.call(select.options, function (o) { return o.value; }).filter(Boolean);
        return values.join() === items.join();
      }
      function cities(p) {
        return codes.filter(function (c) { return c.slice(0, 2) === p.slice(0, 2) && c.slice(4) === "00" && c.slice(2, 4) !== "00"; });
      }
      function districts(c) {
        var found = codes.filter(function (d) { return d.slice(0, 4) === c.slice(0, 4) && d.slice(4) !== "00"; });
        return found.length ? found : [c]; // a city without districts (东莞市) is its own county-level code
      }
      // A choice made before the list arrived (a slow connection) had no listener yet:
      // bring the lower selects in line with what is chosen now, keeping what still fits.
      var wantCities = province.value ? cities(province.value) : [];
      if (!offers(city, wantCities)) fill(city, wantCities, city.value);
      var wantDistricts = city.value ? districts(city.value) : [];
      if (!offers(district, wantDistricts)) fill(district, wantDistricts, district.value);

      province.addEventListener("change", function () {
        fill(city, province.value ? cities(province.value) : [], "");
        fill(district, [], "");
      });
      city.addEventListener("change", function () {
        fill(district, city.value ? districts(city.value) : [], "");
      });
    })
    .catch(function () {
      // Without the list the selects keep the choices the server rendered; saving re-renders them.
    });
})();
