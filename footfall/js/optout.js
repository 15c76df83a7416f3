/*!
 * Footfall opt-out snippet. Renders a checkbox into an element of the page; unticking it
 * stores the visitor's opt-out in a cookie that footfall.js (and matomo.js) honour.
 *   <div id="matomo-opt-out"></div>
 *   <script src="https://stats.example.com/footfall-optout.js?divId=matomo-opt-out"></script>
 * Query options: divId (default matomo-opt-out), showIntro (1/0), cookie=server (the iframe page:
 * store the opt-out as Footfall's own `matomo_ignore` cookie, which the tracking endpoint checks).
 */
(function (window, document) {
    'use strict';

    var THIRTY_YEARS_MS = 946080000000,
        script = document.currentScript || document.getElementsByTagName('script')[document.getElementsByTagName('script').length - 1],
        source = (script && script.src) || '',
        divId = option('divId') || 'matomo-opt-out',
        serverSide = option('cookie') === 'server',
        cookieName = serverSide ? 'matomo_ignore' : 'mtm_consent_removed';

    function option(name) {
        var match = new RegExp('[?&]' + name + '=([^&#]*)').exec(source);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function isOptedOut() {
        return new RegExp('(^|;)\\s*' + cookieName + '=').test(document.cookie);
    }

    function writeCookie(value, ms) {
        var secure = window.location.protocol === 'https:',
            sameSite = serverSide && secure ? 'None' : 'Lax',
            expires = new Date(new Date().getTime() + ms);
        document.cookie = cookieName + '=' + value + ';expires=' + expires.toUTCString() + ';path=/' +
            (secure ? ';secure' : '') + ';SameSite=' + sameSite;
    }

    /** Uses the page's trackers when they are loaded (they also drop their cookies), else the cookie alone. */
    function setOptedOut(optOut) {
        var global = window.Footfall || window.Matomo, trackers = [];
        if (!serverSide && global && global.getAsyncTrackers) { trackers = global.getAsyncTrackers(); }
        for (var i = 0; i < trackers.length; i++) {
            if (optOut) { trackers[i].optUserOut(); } else { trackers[i].forgetUserOptOut(); }
        }
        if (optOut) { writeCookie(String(new Date().getTime()), THIRTY_YEARS_MS); } else { writeCookie('', -86400000); }
    }

    function statusText(optedOut) {
        return optedOut
            ? 'You are opted out: this website does not record your visits. Tick the box to be counted again.'
            : 'Your visit to this website is counted by its own web analytics. Untick the box to opt out.';
    }

    function render() {
        var container = document.getElementById(divId);
        if (!container) { return; }
        var intro = document.createElement('p'), label = document.createElement('label'),
            checkbox = document.createElement('input'), text = document.createElement('span');
        intro.appendChild(document.createTextNode('You may choose not to have your visits recorded. ' +
            'Your choice is kept in a cookie: if you delete your cookies, make it again.'));
        checkbox.type = 'checkbox';
        checkbox.id = divId + '-checkbox';
        checkbox.checked = !isOptedOut();
        text.appendChild(document.createTextNode(' ' + statusText(!checkbox.checked)));
        checkbox.onchange = function () {
            setOptedOut(!checkbox.checked);
            text.firstChild.nodeValue = ' ' + statusText(!checkbox.checked);
        };
        label.appendChild(checkbox);
        label.appendChild(text);
        if (option('showIntro') !== '0') { container.appendChild(intro); }
        container.appendChild(label);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', render);
    } else {
        render();
    }
}(window, document));
