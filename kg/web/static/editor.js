// The SPARQL editor: YASGUI (yasgui.js, vendored from @zazuko/yasgui) in place of the query form when scripts
// run, querying this server's /sparql; the form below it works without scripts. Only autocompleters that need no
// other host are enabled (prefixes come with YASGUI; "class" and "property" would ask lov.linkeddata.es), the
// endpoint list names only this endpoint, and a tab's query and results are not kept between visits.
(function () {
  const host = document.getElementById("editor");
  const form = document.getElementById("query-form");
  const text = document.getElementById("query-text");
  if (!host || !form || !text || typeof Yasgui === "undefined") return;
  const endpoint = new URL(host.dataset.endpoint, window.location.href).href;
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  host.hidden = false;  // shown before YASGUI draws: CodeMirror measures its box
  form.hidden = true;
  const answer = document.getElementById("query-answer");  // the form's answer, drawn by the server: YASGUI shows its own
  if (answer) answer.hidden = true;
  const yasgui = new Yasgui(host, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    autofocus: false,
  });
  yasgui.getTab().setQuery(text.value);
})();
