/*! Ambassade conversion tracking: keeps the click id, reports conversions. AGPL-3.0-or-later.
 *
 * On the landing page:  <script src="https://ambassade.example.com/t.js" async></script>
 * When someone converts: ambassade.conversion("job_application", {externalId: "APP-42"});
 *
 * Reads `amb_cid` from the address, keeps it 30 days in a first-party cookie of
 * this site (SameSite=Lax; data-cookie-domain="example.com" on the script tag
 * shares it with sub-domains) and posts conversions to Ambassade's beacon.
 * Calls made before the script loads can be queued:
 *   window.ambassade = window.ambassade || {q: []};
 *   ambassade.q.push(["job_application", {externalId: "APP-42"}]);
 */
(function (window, document) {
  "use strict";
  var COOKIE = "amb_cid";
  var PARAM = "amb_cid";
  var MAX_AGE = 30 * 24 * 3600;
  var VALID = /^[A-Za-z0-9_-]{8,64}$/;

  var script = document.currentScript;
  var origin = "";
  if (script && script.src) {
    origin = script.src.replace(/^(https?:\/\/[^/]+).*$/, "$1");
  }
  var endpoint = (script && script.getAttribute("data-endpoint")) || origin + "/b";
  var cookieDomain = script && script.getAttribute("data-cookie-domain");

  function readCookie() {
    var parts = document.cookie ? document.cookie.split(";") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].replace(/^\s+/, "").split("=");
      if (pair[0] === COOKIE && VALID.test(pair[1] || "")) {
        return pair[1];
      }
    }
    return "";
  }

  function writeCookie(value) {
    var cookie = COOKIE + "=" + value + "; Max-Age=" + MAX_AGE + "; Path=/; SameSite=Lax";
    if (cookieDomain) {
      cookie += "; Domain=" + cookieDomain;
    }
    if (window.location.protocol === "https:") {
      cookie += "; Secure";
    }
    document.cookie = cookie;
  }

  function fromAddress() {
    var match = new RegExp("[?&]" + PARAM + "=([^&#]*)").exec(window.location.search);
    if (!match) {
      return "";
    }
    var value = decodeURIComponent(match[1].replace(/\+/g, " "));
    return VALID.test(value) ? value : "";
  }

  // Last click wins: a newer click id replaces the one kept.
  var landed = fromAddress();
  if (landed) {
    writeCookie(landed);
  }

  function clickId() {
    return landed || readCookie();
  }

  function send(body) {
    var text = JSON.stringify(body);
    // text/plain keeps it a "simple" cross-origin request: no preflight.
    if (navigator.sendBeacon) {
      try {
        if (navigator.sendBeacon(endpoint, new Blob([text], { type: "text/plain" }))) {
          return true;
        }
      } catch (error) {
        // Fall through to fetch.
      }
    }
    if (window.fetch) {
      window.fetch(endpoint, {
        method: "POST",
        body: text,
        keepalive: true,
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "text/plain" },
      }).catch(function () {});
      return true;
    }
    return false;
  }

  /* Report a conversion: type is job_application, lead, sign_up, purchase or custom.
   * options: {value: 49.9, currency: "EUR", externalId: "your id", label: "for custom"}.
   * Returns false when this visitor did not come through an Ambassade link. */
  function conversion(type, options) {
    var cid = clickId();
    if (!cid || !type) {
      return false;
    }
    options = options || {};
    var body = { cid: cid, type: String(type) };
    if (options.value !== undefined && options.value !== null) {
      body.value = options.value;
      body.currency = options.currency || "";
    }
    if (options.externalId) {
      body.externalId = String(options.externalId);
    }
    if (options.label) {
      body.label = String(options.label);
    }
    return send(body);
  }

  var queued = (window.ambassade && window.ambassade.q) || [];
  window.ambassade = { conversion: conversion, clickId: clickId };
  for (var i = 0; i < queued.length; i++) {
    conversion(queued[i][0], queued[i][1]);
  }
})(window, document);
