/* The survey results map: areas shaded by the share choosing some answers; areas with fewer
   than 10 answers hatched and unlabelled. Data from data-geojson-url (no inline script: CSP);
   without JavaScript the tables on the page hold the same figures. Staff pages only, so the
   request carries the session cookie. */
(function () {
  "use strict";
  var BANDS = [0.2, 0.4, 0.6, 0.8, 1.0001];
  var COLOURS = ["#f6e3ea", "#e8b0c3", "#d07a99", "#a8446c", "#6e1a38"];
  var HIDDEN = "#d8d8d8";

  function node(tag, className, content) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (content !== undefined) { element.textContent = content; }
    return element;
  }

  function percent(value) { return (value * 100).toFixed(0) + "%"; }

  function band(share) {
    for (var i = 0; i < BANDS.length; i++) { if (share < BANDS[i]) { return i; } }
    return BANDS.length - 1;
  }

  function style(feature) {
    var p = feature.properties;
    var hidden = p.suppressed || p.share === null;
    return { color: "#505a5f", weight: 0.8, fillOpacity: hidden ? 0.5 : 0.85,
             dashArray: hidden ? "3 3" : null, fillColor: hidden ? HIDDEN : COLOURS[band(p.share)] };
  }

  function tip(p) {
    var box = node("div", "map-tip");
    box.appendChild(node("strong", null, p.name));
    if (p.suppressed || p.share === null) {
      box.appendChild(node("div", null, "Fewer than 10 answers: not shown"));
    } else {
      box.appendChild(node("div", null, percent(p.share) + " (95% interval " + percent(p.low) + " to " + percent(p.high) + ")"));
      box.appendChild(node("div", null, "n = " + p.n));
    }
    return box;
  }

  function legend(element, data) {
    if (!element) { return; }
    element.textContent = "";
    var q = data.question || {};
    element.appendChild(node("p", "map-legend-title", "Share answering " + (q.answers || []).join(" or ")));
    var list = node("ul", "map-legend-items");
    var low = 0;
    COLOURS.forEach(function (colour, i) {
      var row = node("li");
      var box = node("span", "swatch");
      box.style.backgroundColor = colour;
      box.setAttribute("aria-hidden", "true");
      row.appendChild(box);
      row.appendChild(document.createTextNode(Math.round(low * 100) + "% to " + Math.min(100, Math.round(BANDS[i] * 100)) + "%"));
      list.appendChild(row);
      low = BANDS[i];
    });
    var hidden = node("li");
    var grey = node("span", "swatch");
    grey.style.backgroundColor = HIDDEN;
    grey.setAttribute("aria-hidden", "true");
    hidden.appendChild(grey);
    hidden.appendChild(document.createTextNode("Fewer than 10 answers: not shown"));
    list.appendChild(hidden);
    element.appendChild(list);
    element.hidden = false;
  }

  function start() {
    var element = document.getElementById("survey-map");
    if (!element || typeof L === "undefined" || !window.fetch) { return; }
    fetch(element.getAttribute("data-geojson-url"), { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("map data: HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        element.textContent = "";
        if (!data.features.length) {
          element.appendChild(node("p", "map-fallback", "No area has boundaries loaded for these answers, so there is nothing to map."));
        } else {
          var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false });
          map.attributionControl.setPrefix("");
          element.classList.add("no-tiles");
          var layer = L.geoJSON(data, {
            style: style,
            onEachFeature: function (feature, shape) { shape.bindTooltip(tip(feature.properties), { sticky: true }); }
          }).addTo(map);
          map.attributionControl.addAttribution("Boundaries: Office for National Statistics, OGL v3.0; contains OS data © Crown copyright and database right.");
          if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
          legend(document.getElementById("survey-map-legend"), data);
        }
        element.setAttribute("data-map-ready", "true");
      })
      .catch(function () {
        element.textContent = "The map could not be loaded. The tables on this page hold the same figures.";
        element.setAttribute("data-map-ready", "failed");
      });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
