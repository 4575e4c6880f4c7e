/* The area map: LSOAs of the area and the ring around it, coloured by quantile band.
   Data comes from the element's data-geojson-url (no inline script, CSP-safe). Without
   JavaScript, or if the data fails to load, the neighbourhood table is the same information. */
(function () {
  "use strict";
  var COLOURS = ["#f6e3ea", "#e8b0c3", "#d07a99", "#a8446c", "#6e1a38"];
  var NO_DATA = "#ffffff";

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function figure(value, digits) {
    if (value === null || value === undefined) { return "not loaded"; }
    return Number(value).toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }

  function tooltip(props) {
    var box = text("div", "map-tip");
    box.appendChild(text("strong", null, props.name));
    box.appendChild(text("div", null, props.in_area ? "In this area" : "Neighbouring"));
    box.appendChild(text("div", null, "Crimes: " + figure(props.count, 0)));
    if (props.rate_per_1000 !== null && props.rate_per_1000 !== undefined) {
      box.appendChild(text("div", null, figure(props.rate_per_1000, 1) + " per 1,000 residents"));
    }
    return box;
  }

  function legend(element, data) {
    if (!element || !data.legend || !data.legend.length) { return; }
    element.textContent = "";
    element.appendChild(text("p", "map-legend-title",
      data.metric === "rate" ? "Crimes per 1,000 residents (quantiles)" : "Crimes (quantiles)"));
    var list = text("ul", "map-legend-items");
    data.legend.forEach(function (item) {
      var row = text("li");
      var swatch = text("span", "swatch");
      swatch.style.backgroundColor = COLOURS[item.band] || NO_DATA;
      swatch.setAttribute("aria-hidden", "true");
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(item.label));
      list.appendChild(row);
    });
    var outside = text("li");
    var ring = text("span", "swatch swatch-ring");
    ring.setAttribute("aria-hidden", "true");
    outside.appendChild(ring);
    outside.appendChild(document.createTextNode("Around the area: lighter, dashed outline"));
    list.appendChild(outside);
    element.appendChild(list);
    element.hidden = false;
  }

  function style(feature) {
    var props = feature.properties;
    var fill = props.band === null || props.band === undefined ? NO_DATA : COLOURS[props.band];
    return {
      color: props.in_area ? "#0b0c0c" : "#505a5f",
      weight: props.in_area ? 0.8 : 0.6,
      dashArray: props.in_area ? null : "3 3",
      fillColor: fill,
      fillOpacity: props.in_area ? 0.85 : 0.35
    };
  }

  function draw(element, data) {
    var map = L.map(element, { zoomSnap: 0.25, scrollWheelZoom: false, attributionControl: true });
    map.attributionControl.setPrefix("");
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: element.getAttribute("data-tiles-attribution") || "", maxZoom: 18 }).addTo(map);
    } else {
      element.classList.add("no-tiles");
    }
    map.attributionControl.addAttribution(data.attribution);
    var layer = L.geoJSON(data, {
      style: style,
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(tooltip(feature.properties), { sticky: true });
      }
    }).addTo(map);
    var inside = L.featureGroup();
    layer.eachLayer(function (shape) { if (shape.feature.properties.in_area) { inside.addLayer(shape); } });
    var bounds = inside.getLayers().length ? inside.getBounds() : layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
    element.setAttribute("data-map-ready", "true");
  }

  function start() {
    var element = document.getElementById("area-map");
    if (!element || typeof L === "undefined") { return; }
    var url = element.getAttribute("data-geojson-url");
    fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("map data: HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        element.textContent = "";
        draw(element, data);
        legend(document.getElementById("area-map-legend"), data);
      })
      .catch(function () {
        element.classList.add("map-failed");
        var fallback = element.querySelector(".map-fallback");
        if (fallback) { fallback.textContent = "The map could not be loaded. Every neighbourhood's figures are in the table below."; }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
