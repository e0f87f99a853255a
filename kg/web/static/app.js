// Type-ahead for the search box: suggestions from /search.json fill the datalist. The pages work without it.
(function () {
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  if (!input || !list) return;
  let timer = null;
  const links = new Map();
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return;
    timer = setTimeout(function () {
      fetch("/search.json?q=" + encodeURIComponent(text)).then(function (r) { return r.json(); }).then(function (found) {
        list.replaceChildren();
        links.clear();
        found.forEach(function (s) {
          const option = document.createElement("option");
          option.value = s.label;
          option.label = s.kind;
          links.set(s.label, s.url);
          list.appendChild(option);
        });
      }).catch(function () {});
    }, 150);
  });
  input.addEventListener("change", function () {  // a suggestion chosen: its page
    const url = links.get(input.value.trim());
    if (url) window.location.href = url;
  });
})();
