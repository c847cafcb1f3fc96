// Accounts pages: copy a token, show the Mastodon field when useful (ambassade.js asks
// before destructive actions).
"use strict";
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand("copy");
    }
    button.textContent = button.dataset.copied;
  });
});
const network = document.getElementById("id_network");
const instance = document.getElementById("mastodon-instance");
if (network && instance) {
  const toggle = () => { instance.hidden = network.value !== "mastodon"; };
  network.addEventListener("change", toggle);
  toggle();
}
