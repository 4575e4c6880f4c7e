/* The petition map: constituencies shaded by signatures, the campaign's outlined.
   Data comes from data-geojson-url (no inline script: CSP). Without JavaScript, or when the
   data fails to load, the table after the map holds the same counts. */
(function () {
  "use strict";
  var COLOURS = ["#f6e3ea", "#e8b0c3", "#d07a99", "#a8446c", "#6e1a38"];
  var NONE = "#ffffff";

  function node(tag, className, content) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (content !== undefined) { element.textContent = content; }
    return element;
  }

  function tooltip(props) {
    var box = node("div", "map-tip");
    box.appendChild(node("strong", null, props.name));
    if (props.mp) { box.appendChild(node("div", null, "MP: " + props.mp)); }
    var count = Number(props.signature_count).toLocaleString("en-GB");
    box.appendChild(node("div", null, count + (props.signature_count === 1 ? " signature" : " signatures")));
    return box;
  }

  // With fewer classes than colours (few constituencies yet), use the darker end of the scale,
  // so that a single signed constituency does not look empty.
  function colour(band, classes) {
    return COLOURS[Math.min(COLOURS.length - 1, band + Math.max(0, COLOURS.length - classes))];
  }

  function styler(classes) {
    return function (feature) {
      var props = feature.properties;
      var shaded = props.band !== null && props.band !== undefined;
      return {
        color: props.in_campaign ? "#0b0c0c" : "#505a5f",
        weight: props.in_campaign ? 1.6 : 0.8,
        dashArray: shaded ? null : "4 3",
        fillColor: shaded ? colour(props.band, classes) : NONE,
        fillOpacity: shaded ? 0.8 : 0.4
      };
    };
  }

  function swatch(colour, extra) {
    var box = node("span", "swatch" + (extra ? " " + extra : ""));
    if (colour) { box.style.backgroundColor = colour; }
    box.setAttribute("aria-hidden", "true");
    return box;
  }

  function legend(element, data) {
    if (!element) { return; }
    element.textContent = "";
    element.appendChild(node("p", "map-legend-title", "Signatures by constituency"));
    var list = node("ul", "map-legend-items");
    var classes = (data.legend || []).length;
    (data.legend || []).forEach(function (item) {
      var row = node("li");
      row.appendChild(swatch(colour(item.band, classes)));
      row.appendChild(document.createTextNode(item.label));
      list.appendChild(row);
    });
    var unsigned = data.features.some(function (f) { return f.properties.band === null; });
    if (unsigned) {
      var row = node("li");
      row.appendChild(swatch(NONE, "swatch-none"));
      row.appendChild(document.createTextNode("Campaign area, no signatures counted yet"));
      list.appendChild(row);
    }
    element.appendChild(list);
    element.hidden = false;
  }

  function draw(element, data) {
    var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false });
    map.attributionControl.setPrefix("");
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 18 }).addTo(map);
    } else {
      element.classList.add("no-tiles");
    }
    map.attributionControl.addAttribution(data.attribution);
    var layer = L.geoJSON(data, {
      style: styler((data.legend || []).length),
      onEachFeature: function (feature, shape) { shape.bindTooltip(tooltip(feature.properties), { sticky: true }); }
    }).addTo(map);
    var bounds = layer.getBounds();
    function fit() { if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); } }
    fit();
    // A phone turned on its side still shows every constituency. Refit once the resizing has
    // settled: fitting inside Leaflet's own resize handling computes NaN coordinates.
    var pending = null;
    map.on("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        var size = map.getSize();
        if (size.x > 0 && size.y > 0) { map.stop(); fit(); }
      }, 200);
    });
  }

  function start() {
    var element = document.getElementById("petition-map");
    if (!element || typeof L === "undefined" || !window.fetch) { return; }
    fetch(element.getAttribute("data-geojson-url"), { headers: { Accept: "application/geo+json" }, credentials: "omit" })
      .then(function (response) {
        if (!response.ok) { throw new Error("map data: HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        element.textContent = "";
        if (!data.features.length) {
          element.classList.add("map-empty");
          element.appendChild(node("p", "map-fallback", "No constituency has signatures counted yet, so there is nothing to map."));
        } else {
          draw(element, data);
          legend(document.getElementById("petition-map-legend"), data);
        }
        element.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        var fallback = element.querySelector(".map-fallback");
        if (fallback) { fallback.textContent = "The map could not be loaded. Every constituency's count is in the table below."; }
        element.setAttribute("data-map-ready", "failed");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
