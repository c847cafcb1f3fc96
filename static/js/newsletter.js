// The web version of a newsletter: size its frame to the e-mail's height.
document.querySelectorAll("iframe[data-autoheight]").forEach((frame) => {
  const fit = () => {
    const body = frame.contentDocument && frame.contentDocument.body;
    if (body) frame.style.height = `${body.scrollHeight + 32}px`;
  };
  frame.addEventListener("load", fit);
  fit();
});
