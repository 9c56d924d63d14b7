/* Issue 12 §6: a full resident ID number typed into a doctor or beneficiary autocomplete is
   sent in the request body (POST, with the page's CSRF token), never in the URL, the browser
   history or a server log. Other terms (name, certificate number) stay ordinary GETs. */
(function () {
  "use strict";
  var ID_SHAPED = /^[0-9]{17}[0-9Xx]$/;

  function idShaped(data) {
    var term = new URLSearchParams(data).get("term") || "";
    // full-width digits and letters count too (the server reads them as half-width)
    return ID_SHAPED.test(term.trim().normalize("NFKC"));
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function install($) {
    if (!$ || $.qzgovIdLookup) { return; }
    $.qzgovIdLookup = true;
    $.ajaxPrefilter(function (options) {
      if (!options.url || options.url.indexOf("/autocomplete/") === -1) { return; }
      if (typeof options.data !== "string" || !idShaped(options.data)) { return; }
      options.type = "POST";
      options.headers = options.headers || {};
      options.headers["X-CSRFToken"] = csrfToken();
    });
  }

  if (window.django && window.django.jQuery) {
    install(window.django.jQuery);
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      install(window.django && window.django.jQuery);
    });
  }
}());
