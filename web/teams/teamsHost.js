/*
 * The volunteers' console as a Microsoft Teams personal tab, and as a plain page elsewhere.
 *
 * Loaded after /teams/assets/MicrosoftTeams.min.js (teams-js, served by our own server). Inside
 * Teams it initialises teams-js, reads the context and applies the Teams theme (and follows its
 * changes); outside Teams (not in a frame, or teams-js does not answer in time, or rejects) it
 * does nothing and the page carries on as a plain page.
 *
 * What the page can rely on:
 *   window.mduTeams.ready   a Promise of { inTeams, theme, locale }; it always resolves
 *   <html data-host="teams|browser" data-teams-theme="default|dark|contrast">
 *   a `mdu:teams-host` event on document once known, with the same object as `detail`
 * Nothing about the Teams user (name, e-mail, ids) is read or kept.
 */
(function () {
  'use strict';
  var INIT_TIMEOUT_MS = 3000;
  var root = document.documentElement;
  var state = { inTeams: false, theme: 'default', locale: root.lang || 'fr' };

  function applyTheme(theme) {
    var name = theme === 'dark' || theme === 'contrast' ? theme : 'default';
    state.theme = name;
    root.setAttribute('data-teams-theme', name);
  }

  function addThemeStyles() {
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/teams/assets/teamsTheme.css';
    document.head.appendChild(link);
  }

  function settle() {
    root.setAttribute('data-host', state.inTeams ? 'teams' : 'browser');
    try {
      document.dispatchEvent(new CustomEvent('mdu:teams-host', { detail: state }));
    } catch (ignored) {
      /* very old browsers: the promise is enough */
    }
    return state;
  }

  function withTimeout(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Error('teams-js did not initialise in time'));
      }, ms);
      promise.then(
        function (value) {
          clearTimeout(timer);
          resolve(value);
        },
        function (error) {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  function start() {
    var teams = window.microsoftTeams;
    var framed = false;
    try {
      framed = window.self !== window.top;
    } catch (crossOrigin) {
      framed = true; // a cross-origin parent: maybe Teams
    }
    // A plain page: no frame, or no teams-js. Nothing to wait for.
    if (!framed || !teams || !teams.app) return Promise.resolve(settle());
    return withTimeout(teams.app.initialize(), INIT_TIMEOUT_MS)
      .then(function () {
        return withTimeout(teams.app.getContext(), INIT_TIMEOUT_MS);
      })
      .then(function (context) {
        state.inTeams = true;
        if (context && context.app) {
          if (context.app.locale) state.locale = String(context.app.locale).slice(0, 2);
          applyTheme(context.app.theme);
        }
        addThemeStyles();
        teams.app.registerOnThemeChangeHandler(applyTheme);
        teams.app.notifySuccess();
        return settle();
      })
      .catch(function () {
        // Framed but not by Teams (or Teams did not answer): carry on as a plain page.
        state.inTeams = false;
        return settle();
      });
  }

  window.mduTeams = { ready: start() };
})();
