/* The share page: live counter, own-words gauge, preview, and one-click sharing.
 *
 * Translated strings come from data- attributes rendered by the template.
 * The own-words measure is the one of ambassade/lib/own_words.py; the server's
 * figure is the one recorded, this one only guides the writer.
 */
(function () {
  "use strict";

  var URL_RE = /https?:\/\/\S+/g;
  var WORD_RE = /[\p{L}\p{N}_'’-]+/gu;
  var TRIM_RE = /^['’-]+|['’-]+$/g;

  function words(text) {
    var cleaned = text.replace(URL_RE, " ").normalize("NFKC").toLowerCase();
    var found = cleaned.match(WORD_RE) || [];
    var result = [];
    for (var i = 0; i < found.length; i++) {
      var word = found[i].replace(TRIM_RE, "");
      if (word) result.push(word);
    }
    return result;
  }

  function lcsLength(a, b) {
    if (!a.length || !b.length) return 0;
    var previous = new Array(b.length + 1).fill(0);
    for (var i = 0; i < a.length; i++) {
      var current = [0];
      for (var j = 1; j <= b.length; j++) {
        current.push(a[i] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]));
      }
      previous = current;
    }
    return previous[b.length];
  }

  function ownWordsRatio(commentary, references) {
    var mine = words(commentary);
    if (!mine.length) return 0;
    var borrowed = 0;
    for (var i = 0; i < references.length; i++) {
      borrowed = Math.max(borrowed, lcsLength(mine, words(references[i])));
    }
    return Math.round((1 - borrowed / mine.length) * 100) / 100;
  }

  // Characters as the server counts them (code points), line ends as single characters.
  function length(text) {
    return Array.from(text.replace(/\r\n/g, "\n").trim()).length;
  }

  // The text as it will be posted: the organization's disclosure is added at the end
  // unless already written on its own (ambassade/sharing/compliance.py does the same):
  // "#AcmeCorp" does not hold "#Acme".
  function hasDisclosure(text, disclosure) {
    if (!disclosure) return true;
    var escaped = disclosure.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    var word = "[\\p{L}\\p{N}_]";
    return new RegExp("(?<!" + word + ")" + escaped + "(?!" + word + ")", "u").test(
      text.toLowerCase()
    );
  }

  function posted(text, disclosure) {
    var own = text.replace(/\r\n/g, "\n").trim();
    return hasDisclosure(own, disclosure) ? own : own + "\n\n" + disclosure;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return legacyCopy(text); }
      );
    }
    return Promise.resolve(legacyCopy(text));
  }

  function legacyCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function setupShareForm(form) {
    var textarea = form.querySelector("textarea[name=commentary]");
    var radios = form.querySelectorAll("input[name=network]");
    var counterBox = form.querySelector("[data-counter-box]");
    var counter = form.querySelector("[data-counter]");
    var budgetSlot = form.querySelector("[data-budget-slot]");
    var ownBox = form.querySelector("[data-own-words-box]");
    var ownSlot = form.querySelector("[data-own-words]");
    var previewText = form.querySelector("[data-preview-text]");
    var copyHelp = form.querySelector("[data-copy-help]");
    var errors = form.querySelector("[data-share-errors]");
    var button = form.querySelector("[data-share-button]");
    var referencesNode = document.getElementById("share-references");
    var references = referencesNode ? JSON.parse(referencesNode.textContent) : [];
    var result = document.getElementById("share-result");
    var disclosure = (form.dataset.disclosure || "").trim();
    var previewDisclosure = form.querySelector("[data-preview-disclosure]");
    var schedule = form.querySelector("[data-schedule]");

    function selected() {
      for (var i = 0; i < radios.length; i++) if (radios[i].checked) return radios[i];
      return null;
    }

    function update() {
      var choice = selected();
      var budget = choice && choice.dataset.budget ? parseInt(choice.dataset.budget, 10) : null;
      var used = length(posted(textarea.value, disclosure));
      counter.textContent = String(used);
      budgetSlot.textContent = budget === null ? "∞" : String(budget);
      counterBox.hidden = false;
      counterBox.classList.toggle("over", budget !== null && used > budget);
      counterBox.title = budget !== null && used > budget ? form.dataset.msgTooLong : "";
      ownSlot.textContent = Math.round(ownWordsRatio(textarea.value, references) * 100) + " %";
      ownBox.hidden = false;
      previewText.textContent = textarea.value;
      if (previewDisclosure) previewDisclosure.hidden = hasDisclosure(textarea.value, disclosure);
      if (copyHelp) copyHelp.hidden = !(choice && choice.dataset.copy === "1");
      var network = choice ? choice.value : "";
      form.querySelectorAll(".suggestions li").forEach(function (li) {
        li.hidden = Boolean(network && li.dataset.network && li.dataset.network !== network);
      });
    }

    function showErrors(messages) {
      errors.textContent = "";
      messages.forEach(function (message) {
        var p = document.createElement("p");
        p.textContent = message;
        errors.appendChild(p);
      });
      if (messages.length) errors.scrollIntoView({ block: "nearest" });
    }

    function errorMessages(payload) {
      var messages = [];
      var all = (payload && payload.errors) || {};
      Object.keys(all).forEach(function (field) {
        all[field].forEach(function (error) { messages.push(error.message); });
      });
      return messages.length ? messages : [form.dataset.msgFailed];
    }

    function showResult(data) {
      var link = result.querySelector("[data-tracked-link]");
      link.href = data.tracked_url;
      link.textContent = data.tracked_url;
      var open = result.querySelector("[data-open-link]");
      open.href = data.intent_url;
      open.textContent = form.dataset.msgOpen.replace("%(network)s", data.network_label);
      result.querySelector("[data-copy-text]").value = data.text;
      form.hidden = true;
      result.hidden = false;
    }

    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    textarea.addEventListener("input", update);
    form.querySelectorAll("button.suggestion").forEach(function (suggestion) {
      suggestion.addEventListener("click", function () {
        textarea.value = suggestion.dataset.text;
        update();
        textarea.focus();
      });
    });
    update();

    if (!window.fetch || !result) return;
    form.addEventListener("submit", function (event) {
      // Scheduling for later is an ordinary form submission.
      if (event.submitter && event.submitter.name === "action" && event.submitter.value === "schedule") return;
      event.preventDefault();
      var choice = selected();
      var budget = choice && choice.dataset.budget ? parseInt(choice.dataset.budget, 10) : null;
      if (budget !== null && length(posted(textarea.value, disclosure)) > budget) {
        showErrors([form.dataset.msgTooLong]);
        return;
      }
      var needsCopy = Boolean(choice && choice.dataset.copy === "1");
      // Open the window now, inside the click, so pop-up blockers let it through;
      // it gets its address once the share is recorded. Networks that need the
      // clipboard open after the copy, which needs this page to keep the focus.
      var popup = needsCopy ? null : window.open("", "_blank");
      if (popup) popup.opener = null;
      button.disabled = true;
      // getAttribute: the "action" button would shadow form.action.
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (payload) {
            return { ok: response.ok, payload: payload };
          });
        })
        .then(function (answer) {
          if (!answer.ok) {
            if (popup) popup.close();
            showErrors(errorMessages(answer.payload));
            // Too soon after a colleague: offer the suggested time to schedule it.
            if (schedule && answer.payload && answer.payload.suggested_at) {
              schedule.querySelector("input[name=run_at]").value = answer.payload.suggested_at;
              schedule.open = true;
            }
            return;
          }
          var data = answer.payload;
          showErrors([]);
          showResult(data);
          var copied = data.copy_to_clipboard ? copyText(data.text) : Promise.resolve(false);
          return copied.then(function (ok) {
            result.querySelector("[data-copied]").hidden = !(data.copy_to_clipboard && ok);
            result.querySelector("[data-copy-manual]").hidden = !(data.copy_to_clipboard && !ok);
            if (popup) {
              popup.location.href = data.intent_url;
            } else {
              var opened = window.open(data.intent_url, "_blank");
              if (opened) opened.opener = null;
            }
          });
        })
        .catch(function () {
          if (popup) popup.close();
          showErrors([form.dataset.msgFailed]);
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  function setupCopyButtons() {
    document.querySelectorAll("[data-copy-button]").forEach(function (button) {
      var source = document.getElementById(button.dataset.target);
      var notice = button.parentNode.querySelector("[data-copy-notice]");
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(source.value).then(function (ok) {
          if (ok && notice) {
            notice.textContent = button.dataset.msgCopied;
            notice.hidden = false;
          } else {
            source.select();
          }
        });
      });
    });
  }

  var form = document.getElementById("share-form");
  if (form) setupShareForm(form);
  setupCopyButtons();
})();
