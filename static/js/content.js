/* Curation and proposal forms: "Fetch preview" fills the empty fields from the page.
 *
 * The server reads the page (ambassade/content/previews.py, content:preview) and
 * answers JSON: title, description, image_url, site_name, language, canonical_url.
 * Only empty fields are filled: nothing the person typed is ever replaced.
 */
(function () {
  "use strict";

  function fillIfEmpty(form, name, value) {
    var field = form.querySelector("[name=" + name + "]");
    if (!field || !value) return false;
    if (field.tagName === "SELECT") {
      var option = field.querySelector("option[value='" + value + "']");
      if (!option || field.dataset.touched) return false;
      field.value = value;
      return true;
    }
    if (field.value.trim()) return false;
    field.value = value;
    return true;
  }

  function showCard(form, data) {
    var card = form.querySelector("[data-preview-card]");
    if (!card) return;
    card.textContent = "";
    // No <img> of data.image_url: third-party images are never loaded in the
    // browser; the image is fetched by the server once the item is saved.
    var text = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = data.title || data.url;
    text.appendChild(title);
    if (data.site_name) {
      var site = document.createElement("p");
      site.className = "meta";
      site.textContent = data.site_name;
      text.appendChild(site);
    }
    card.appendChild(text);
    card.hidden = false;
  }

  function setup(form) {
    var button = form.querySelector("[data-fetch-preview]");
    var status = form.querySelector("[data-preview-status]");
    var url = form.querySelector("[name=url]");
    if (!button || !url || !window.fetch) return;
    var language = form.querySelector("select[name=language]");
    if (language) language.addEventListener("change", function () { language.dataset.touched = "1"; });
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!url.value.trim()) { url.focus(); return; }
      button.disabled = true;
      status.textContent = form.dataset.msgFetching;
      var address = form.dataset.previewUrl + "?url=" + encodeURIComponent(url.value.trim());
      fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (answer) {
          if (!answer.ok) {
            status.textContent = answer.data.error || form.dataset.msgFailed;
            return;
          }
          var data = answer.data;
          fillIfEmpty(form, "title", data.title);
          fillIfEmpty(form, "summary", data.description);
          fillIfEmpty(form, "image_url", data.image_url);
          fillIfEmpty(form, "language", data.language);
          showCard(form, data);
          status.textContent = form.dataset.msgFilled;
        })
        .catch(function () { status.textContent = form.dataset.msgFailed; })
        .finally(function () { button.disabled = false; });
    });
  }

  document.querySelectorAll("[data-preview-form]").forEach(setup);
})();
