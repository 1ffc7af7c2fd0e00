// GOV.UK Frontend components style themselves only where its JavaScript can run.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
