/*!
 * footfall.js - the JavaScript tracker of Footfall (self-hosted web analytics).
 * Speaks the `_paq` command API and the tracking protocol of Matomo.
 * License: AGPL-3.0-or-later. Written for Footfall; shares no code with matomo.js.
 */
/*
 * Layout of this file (read top to bottom):
 *   1. small helpers (types, encoding, SHA-1, cookies, URLs, DOM)
 *   2. content-block reading (data-track-content markup)
 *   3. the Tracker: state, hit building, transport, commands
 *   4. the `_paq` queue and the global `Footfall` / `Matomo` / `Piwik` object
 *
 * Written as ES5 on purpose: the file must parse and run on old browsers,
 * and every modern feature (sendBeacon, IntersectionObserver, JSON,
 * performance timing, userAgentData) is probed before use.
 */
(function (window, document, navigator) {
    'use strict';

    if (window.Footfall && window.Footfall.initialized) {
        return; // loaded twice (e.g. both matomo.js and footfall.js): keep the first
    }

    /* ------------------------------------------------------------------ *
     * 1. Helpers
     * ------------------------------------------------------------------ */

    var encode = window.encodeURIComponent,
        decode = window.decodeURIComponent,
        JSONs = window.JSON,
        location = window.location,
        trackers = [],
        eventHandlers = {},
        clientHints = '',
        clientHintsPending = false,
        afterClientHints = [],
        THIRTY_YEARS_MS = 946080000000,
        CONSENT_COOKIE = 'mtm_consent',
        COOKIE_CONSENT_COOKIE = 'mtm_cookie_consent',
        OPT_OUT_COOKIE = 'mtm_consent_removed',
        BEACON_TYPE = 'application/x-www-form-urlencoded',
        IGNORED_SCHEMES = /^(javascript|vbscript|jscript|mocha|livescript|ecmascript|mailto|tel):/i,
        PREFIXES = ['matomo', 'piwik'],
        DOWNLOAD_EXTENSIONS = ('7z aac apk arc arj asc asf asx avi azw3 bin csv deb dmg doc docx ' +
            'epub exe flv gif gz gzip hqx ibooks jar jpg jpeg js md5 mobi mp2 mp3 mp4 mpg mpeg mov ' +
            'movie msi msp odb odf odg ods odt ogg ogv pdf phps png ppt pptx qt qtm ra ram rar rpm ' +
            'rtf sea sha sha256 sha512 sig sit tar tbz tbz2 bz bz2 tgz torrent txt wav wma wmv wpd ' +
            'xls xlsx xml xz z zip').split(' '),
        CAMPAIGN_NAME_KEYS = ['pk_campaign', 'mtm_campaign', 'piwik_campaign', 'matomo_campaign',
            'utm_campaign', 'utm_source', 'utm_medium'],
        CAMPAIGN_KEYWORD_KEYS = ['pk_kwd', 'mtm_kwd', 'piwik_kwd', 'matomo_kwd', 'utm_term'],
        PLUGIN_MIME_TYPES = {
            fla: 'application/x-shockwave-flash', java: 'application/x-java-vm',
            qt: 'video/quicktime', realp: 'audio/x-pn-realaudio-plugin',
            wma: 'application/x-mplayer2', ag: 'application/x-silverlight',
            pdf: 'application/pdf'
        };

    function isDefined(value) { return typeof value !== 'undefined'; }
    function isFunction(value) { return typeof value === 'function'; }
    function isString(value) { return typeof value === 'string'; }
    function isObject(value) { return value !== null && typeof value === 'object'; }
    function isArray(value) { return Object.prototype.toString.call(value) === '[object Array]'; }
    function nowMs() { return new Date().getTime(); }
    function trim(text) { return isString(text) ? text.replace(/^\s+|\s+$/g, '') : text; }
    function toJson(value) { return JSONs ? JSONs.stringify(value) : ''; }

    function parseJson(text) {
        try { return JSONs.parse(text); } catch (ignore) { return null; }
    }

    function safeDecode(text) {
        try { return decode(text); } catch (ignore) { return unescape(text); }
    }

    function hasKeys(object) {
        for (var key in object) {
            if (Object.prototype.hasOwnProperty.call(object, key)) { return true; }
        }
        return false;
    }

    function forEach(list, callback) {
        for (var i = 0; i < list.length; i++) { callback(list[i], i); }
    }

    function indexOf(list, value) {
        for (var i = 0; i < list.length; i++) {
            if (list[i] === value) { return i; }
        }
        return -1;
    }

    /** Accepts Matomo's two list spellings: an array or a 'a|b' string. */
    function toList(value) {
        if (isString(value)) { return value.split('|'); }
        return isArray(value) ? value.slice(0) : [];
    }

    function logError(message) {
        if (window.console && isFunction(window.console.error)) { window.console.error(message); }
    }

    function randomString(length) {
        var chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', text = '';
        while (text.length < length) { text += chars.charAt(Math.floor(Math.random() * chars.length)); }
        return text;
    }

    /** SHA-1 (FIPS 180-4) of the UTF-8 bytes of `text`, lower-case hex. Cookie names need it. */
    function sha1(text) {
        var bytes = unescape(encode(text)), words = [], length = bytes.length, i, j,
            h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0], w = [], hex = '';
        for (i = 0; i < length; i++) { words[i >> 2] |= bytes.charCodeAt(i) << (24 - (i % 4) * 8); }
        words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
        words[(((length + 8) >> 6) << 4) + 15] = length * 8;
        for (i = 0; i < words.length; i += 16) {
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
            for (j = 0; j < 80; j++) {
                if (j < 16) {
                    w[j] = words[i + j] | 0;
                } else {
                    var x = w[j - 3] ^ w[j - 8] ^ w[j - 14] ^ w[j - 16];
                    w[j] = (x << 1) | (x >>> 31);
                }
                var f = j < 20 ? ((b & c) | (~b & d)) + 0x5A827999
                    : j < 40 ? (b ^ c ^ d) + 0x6ED9EBA1
                        : j < 60 ? ((b & c) | (b & d) | (c & d)) + 0x8F1BBCDC
                            : (b ^ c ^ d) + 0xCA62C1D6;
                var t = (((a << 5) | (a >>> 27)) + f + e + w[j]) | 0;
                e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
            }
            h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0;
            h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
        }
        for (i = 0; i < 5; i++) { hex += ('0000000' + (h[i] >>> 0).toString(16)).slice(-8); }
        return hex;
    }

    /* --- cookies --- */

    function getCookie(name) {
        var pattern = new RegExp('(^|;)[ ]*' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '=([^;]*)'),
            match = pattern.exec(document.cookie);
        return match ? safeDecode(match[2]) : 0;
    }

    /** options: {ms, path, domain, secure, sameSite}; ms < 0 deletes. */
    function writeCookie(name, value, options) {
        var expires = '', sameSite = options.sameSite || 'Lax', secure = options.secure || sameSite === 'None';
        if (options.ms) {
            var date = new Date();
            date.setTime(date.getTime() + options.ms);
            expires = ';expires=' + date.toUTCString();
        }
        document.cookie = name + '=' + encode(value) + expires + ';path=' + (options.path || '/') +
            (options.domain ? ';domain=' + options.domain : '') + (secure ? ';secure' : '') +
            ';SameSite=' + sameSite;
    }

    /* --- URLs --- */

    function getHostName(url) {
        var match = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^:\/?#]+)/i.exec(url || '');
        return match ? match[1].toLowerCase() : '';
    }

    function getPath(url) {
        var match = /^(?:[a-z][a-z0-9+.-]*:)?\/\/[^\/?#]*([^?#]*)/i.exec(url || '');
        return match ? (match[1] || '/') : '';
    }

    /** Value of query parameter `name` in `url` ('' when absent). */
    function getUrlParameter(url, name) {
        var match = new RegExp('[?&#]' + name + '=([^&#]*)').exec(url || '');
        return match ? safeDecode(match[1].replace(/\+/g, ' ')) : '';
    }

    /** Removes the named query parameters (case-insensitive), keeping the fragment. */
    function removeUrlParameters(url, names) {
        var hashAt = url.indexOf('#'), hash = hashAt < 0 ? '' : url.slice(hashAt),
            base = hashAt < 0 ? url : url.slice(0, hashAt), queryAt = base.indexOf('?');
        if (queryAt < 0 || !names.length) { return url; }
        var kept = [], lowerNames = [];
        forEach(names, function (name) { lowerNames.push(String(name).toLowerCase()); });
        forEach(base.slice(queryAt + 1).split('&'), function (pair) {
            var key = pair.split('=')[0].toLowerCase();
            if (pair && indexOf(lowerNames, safeDecode(key)) < 0) { kept.push(pair); }
        });
        return base.slice(0, queryAt) + (kept.length ? '?' + kept.join('&') : '') + hash;
    }

    /** Absolute form of a possibly relative URL, resolved against the page. */
    function toAbsoluteUrl(url) {
        if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url)) { return url; }
        var anchor = document.createElement('a');
        anchor.href = url;
        return anchor.href;
    }

    /** Removes the tail that marks a host as a wildcard or a URL: '*.a.com.' -> '.a.com'. */
    function domainFixup(domain) {
        domain = String(domain).replace(/\.$/, '');
        if (domain.slice(0, 2) === '*.') { domain = domain.slice(1); }
        var slashAt = domain.indexOf('/');
        return slashAt < 0 ? domain : domain.slice(0, slashAt);
    }

    /* --- DOM --- */

    function addEvent(target, type, handler, capture) {
        if (target.addEventListener) {
            target.addEventListener(type, handler, !!capture);
        } else if (target.attachEvent) {
            target.attachEvent('on' + type, handler);
        }
    }

    function onReady(callback) {
        if (document.readyState === 'loading') {
            addEvent(document, 'DOMContentLoaded', callback);
        } else {
            callback();
        }
    }

    function onLoad(callback) {
        if (document.readyState === 'complete') {
            callback();
        } else {
            addEvent(window, 'load', callback);
        }
    }

    function hasClass(node, name) {
        var classes = ' ' + (node.getAttribute && node.getAttribute('class') || '') + ' ';
        return classes.replace(/[\t\r\n]/g, ' ').indexOf(' ' + name + ' ') >= 0;
    }

    /** True if the node carries `<prefix>_<suffix>` or `<prefix>-<suffix>` for matomo/piwik, or an extra class. */
    function hasMarkerClass(node, suffix, extraClasses) {
        for (var i = 0; i < PREFIXES.length; i++) {
            if (hasClass(node, PREFIXES[i] + '_' + suffix) || hasClass(node, PREFIXES[i] + '-' + suffix)) {
                return true;
            }
        }
        for (i = 0; extraClasses && i < extraClasses.length; i++) {
            if (hasClass(node, extraClasses[i])) { return true; }
        }
        return false;
    }

    function closest(node, predicate) {
        while (node && node.nodeType === 1) {
            if (predicate(node)) { return node; }
            node = node.parentNode;
        }
        return null;
    }

    function findAll(root, selector) {
        var found = [];
        if (!root || !root.querySelectorAll) { return found; }
        if (root.matches && root.matches(selector)) { found.push(root); }
        forEach(root.querySelectorAll(selector), function (node) { found.push(node); });
        return found;
    }

    /** Is the node rendered and inside the viewport (at least partly)? */
    function isNodeVisible(node) {
        if (!node || !node.getBoundingClientRect) { return false; }
        var style = window.getComputedStyle ? window.getComputedStyle(node) : null;
        if (style && (style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0')) {
            return false;
        }
        var box = node.getBoundingClientRect(),
            height = window.innerHeight || document.documentElement.clientHeight,
            width = window.innerWidth || document.documentElement.clientWidth;
        return box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
            box.top < height && box.left < width;
    }

    function isPrerendering() {
        return document.prerendering === true || document.visibilityState === 'prerender';
    }

    /**
     * Reads the browser's client hints once (sent as `uadata`): a reduced user-agent string
     * no longer names the device model or OS version. Hits wait for them, at most a second.
     */
    function detectClientHints() {
        var agentData = navigator.userAgentData;
        if (!agentData || !isFunction(agentData.getHighEntropyValues)) { return; }
        clientHintsPending = true;
        function done(values) {
            if (!clientHintsPending) { return; }
            clientHintsPending = false;
            if (values) { clientHints = toJson(values); }
            var waiting = afterClientHints;
            afterClientHints = [];
            forEach(waiting, function (send) { send(); });
        }
        setTimeout(function () { done(null); }, 1000);
        try {
            agentData.getHighEntropyValues(['brands', 'model', 'platform', 'platformVersion',
                'uaFullVersion', 'fullVersionList', 'formFactors']).then(done, function () { done(null); });
        } catch (ignore) {
            done(null);
        }
    }

    /* ------------------------------------------------------------------ *
     * 2. Content blocks (data-track-content markup)
     * ------------------------------------------------------------------ */

    var CONTENT_BLOCK = '[data-track-content],.matomoTrackContent,.piwikTrackContent',
        CONTENT_PIECE = '[data-content-piece],.matomoContentPiece,.piwikContentPiece',
        CONTENT_TARGET_CLASS = '.matomoContentTarget,.piwikContentTarget';

    function isContentBlock(node) {
        return node.hasAttribute && (node.hasAttribute('data-track-content') ||
            hasClass(node, 'matomoTrackContent') || hasClass(node, 'piwikTrackContent'));
    }

    function firstWithAttribute(block, attribute, nonEmpty) {
        var nodes = findAll(block, '[' + attribute + ']');
        for (var i = 0; i < nodes.length; i++) {
            if (!nonEmpty || trim(nodes[i].getAttribute(attribute))) { return nodes[i]; }
        }
        return null;
    }

    function mediaUrl(node) {
        var tag = (node.nodeName || '').toLowerCase();
        if (tag === 'img' || tag === 'embed' || tag === 'video' || tag === 'audio') {
            return node.getAttribute('src');
        }
        if (tag === 'object') {
            var movie = node.querySelector('param[name=movie]'), embed = node.querySelector('embed');
            return node.getAttribute('data') || (movie && movie.getAttribute('value')) ||
                (embed && embed.getAttribute('src'));
        }
        return null;
    }

    /** Reduces a same-domain absolute URL to its path, as content names do. */
    function shortenSameDomainUrl(url) {
        return getHostName(url) === location.hostname.toLowerCase() ? getPath(url) : url;
    }

    function contentTargetNode(block) {
        return firstWithAttribute(block, 'data-content-target', true) ||
            firstWithAttribute(block, 'data-content-target', false) ||
            findAll(block, CONTENT_TARGET_CLASS)[0] || block;
    }

    /** Reads name, piece and target of a content block following the documented fallbacks. */
    function readContent(block) {
        var pieceNode = findAll(block, CONTENT_PIECE)[0] || block,
            targetNode = contentTargetNode(block),
            piece = trim(pieceNode.getAttribute('data-content-piece') || ''),
            nameNode = firstWithAttribute(block, 'data-content-name', true),
            name = nameNode ? trim(nameNode.getAttribute('data-content-name')) : '',
            target = targetNode.getAttribute('data-content-target') || targetNode.getAttribute('href') ||
                pieceNode.getAttribute('href') || '';
        if (!piece) { piece = toAbsoluteUrl(mediaUrl(pieceNode) || '') || ''; }
        if (!name) {
            name = (piece && shortenSameDomainUrl(piece)) || block.getAttribute('title') ||
                pieceNode.getAttribute('title') || targetNode.getAttribute('title') || 'Unknown';
        }
        return {
            name: name, piece: piece || 'Unknown', target: target ? toAbsoluteUrl(trim(target)) : '',
            targetNode: targetNode
        };
    }

    function ignoresInteraction(node) {
        return node.hasAttribute('data-content-ignoreinteraction') ||
            hasClass(node, 'matomoContentIgnoreInteraction') || hasClass(node, 'piwikContentIgnoreInteraction');
    }

    function contentParameters(content, interaction) {
        return (interaction ? 'c_i=' + encode(interaction) + '&' : '') + 'c_n=' + encode(content.name) +
            '&c_p=' + encode(content.piece) + (content.target ? '&c_t=' + encode(content.target) : '') + '&ca=1';
    }

    /* ------------------------------------------------------------------ *
     * 3. The Tracker
     * ------------------------------------------------------------------ */

    /**
     * One tracker: a tracker URL, a site id and the state of this page for them.
     * Written as a closure rather than a prototype so that the minifier can shorten
     * every private name; only the public command names survive minification.
     */
    function Tracker(trackerUrl, siteId) {
        var self = this,
            trackerEndpoint = trackerUrl || '',
            siteIdentifier = siteId || '',
            apiUrl = '',
            plugins = {},
            // the page
            customUrl = '',
            customTitle = null,
            referrerUrl = document.referrer || '',
            pageViewId = '',
            pageViewIdIsManual = false,
            trackedPageViews = 0,
            customData = null,
            extraQuery = '',
            requestProcessor = null,
            discardHash = false,
            excludedQueryParams = [],
            excludedReferrers = ['.paypal.com'],
            campaignNameKeys = CAMPAIGN_NAME_KEYS.slice(0),
            campaignKeywordKeys = CAMPAIGN_KEYWORD_KEYS.slice(0),
            campaignParametersDisabled = false,
            firstReferrerWins = false,
            countPreRendered = false,
            fileTracking = false,
            browserFeaturesOn = true,
            // identity and cookies
            userId = '',
            forcedVisitorId = '',
            memoryVisitorId = '',
            crossDomainVisitorId = null,
            cookiePrefix = '_pk_',
            cookieDomain = '',
            cookiePath = '/',
            cookieSecure = location.protocol === 'https:',
            cookieSameSite = 'Lax',
            visitorTimeoutMs = 33955200000,
            sessionTimeoutMs = 1800000,
            referralTimeoutMs = 15768000000,
            cookiesDisabled = false,
            cvarsInCookie = false,
            // consent and privacy
            consentRequired = false,
            consentGiven = false,
            consentQueue = [],
            cookieConsentRequired = false,
            cookieConsentGiven = false,
            honourDoNotTrack = false,
            // dimensions, variables, e-commerce
            dimensions = {},
            customVariables = {visit: {}, page: {}, event: {}},
            cartItems = {},
            productViewQuery = '',
            // links
            domainAliases = [location.hostname],
            downloadExtensions = DOWNLOAD_EXTENSIONS.slice(0),
            linkClasses = [],
            downloadClasses = [],
            ignoreClasses = [],
            linkTrackingTimerMs = 500,
            linkTrackingOn = false,
            middleClicksOn = false,
            clickListenerInstalled = false,
            middleClickTarget = null,
            crossDomainOn = false,
            crossDomainTimeoutS = 180,
            // transport
            requestMethod = '',
            requestContentType = BEACON_TYPE + '; charset=UTF-8',
            alwaysBeacon = true,
            queueOn = true,
            queueIntervalMs = 2500,
            queuedRequests = [],
            queueTimer = 0,
            delayedRequests = [],
            delayTimer = 0,
            firstHitAt = 0,
            lastHitAt = 0,
            hitsSent = 0,
            // performance and heartbeat
            performanceOn = true,
            performanceSent = false,
            customTimings = '',
            heartbeatMs = 0,
            heartbeatInstalled = false,
            focusedAt = nowMs(),
            // content tracking
            contentSeen = {},
            contentTrackingUsed = false,
            visibleContentOn = false,
            contentObserver = null,
            contentPollBlocks = [],
            jsErrorsOn = false;

        /* --- cookies --- */

        function cookieName(base) {
            var hash = sha1((cookieDomain || domainFixup(document.domain || location.hostname)) +
                (cookiePath || '/')).slice(0, 4);
            return cookiePrefix + base + '.' + siteIdentifier + '.' + hash;
        }

        function cookieOptions(ms) {
            return {ms: ms, path: cookiePath, domain: cookieDomain, secure: cookieSecure, sameSite: cookieSameSite};
        }

        /** Cookies refused by configuration (disableCookies, cookie consent missing, browser setting). */
        function cookiesBlocked() {
            return cookiesDisabled || navigator.cookieEnabled === false ||
                (cookieConsentRequired && !cookieConsentGiven);
        }

        function cookiesAllowed() {
            return !cookiesBlocked() && (!consentRequired || consentGiven) && !refusedByVisitor();
        }

        /** Opted out, or Do Not Track honoured: neither hits nor cookies. */
        function refusedByVisitor() {
            var dnt = navigator.doNotTrack || window.doNotTrack || navigator.msDoNotTrack;
            return !!getCookie(OPT_OUT_COOKIE) || (honourDoNotTrack && (dnt === '1' || dnt === 'yes'));
        }

        function deleteTrackingCookies() {
            forEach(['id', 'ses', 'ref', 'cvar'], function (base) {
                if (getCookie(cookieName(base))) { writeCookie(cookieName(base), '', cookieOptions(-86400000)); }
            });
        }

        function writeConsentCookie(name, hours) {
            writeCookie(name, String(nowMs()), cookieOptions(hours ? hours * 3600000 : THIRTY_YEARS_MS));
        }

        function deleteConsentCookie(name) {
            if (getCookie(name)) { writeCookie(name, '', cookieOptions(-86400000)); }
        }

        function readVisitorCookie() {
            var parts = String(getCookie(cookieName('id')) || '').split('.');
            return /^[0-9a-f]{16}$/i.test(parts[0]) ? parts : null;
        }

        /* --- identity --- */

        function browserFeatures() {
            var features = {}, mimeTypes = navigator.mimeTypes, screen = window.screen;
            if (mimeTypes && mimeTypes.length) {
                for (var key in PLUGIN_MIME_TYPES) {
                    if (Object.prototype.hasOwnProperty.call(PLUGIN_MIME_TYPES, key)) {
                        features[key] = mimeTypes[PLUGIN_MIME_TYPES[key]] ? 1 : 0;
                    }
                }
            }
            if (navigator.pdfViewerEnabled) { features.pdf = 1; }
            features.cookie = navigator.cookieEnabled && !cookiesBlocked() ? 1 : 0;
            if (screen) { features.res = screen.width + 'x' + screen.height; }
            return features;
        }

        /** First 6 hex of a hash of what the browser looks like; ties a pk_vid to one device. */
        function deviceId() {
            return sha1((navigator.userAgent || '') + (navigator.platform || '') + toJson(browserFeatures())).slice(0, 6);
        }

        function newVisitorId() {
            return sha1((navigator.userAgent || '') + (navigator.platform || '') + toJson(browserFeatures()) +
                nowMs() + Math.random()).slice(0, 16);
        }

        /** Visitor id handed over by a cross-domain link (pk_vid), if valid and fresh. */
        function readCrossDomainVisitorId() {
            var value = getUrlParameter(location.href, 'pk_vid');
            if (!/^[a-zA-Z0-9]{32}$/.test(value) || value.slice(26) !== deviceId()) { return ''; }
            var age = Math.abs(Math.floor(nowMs() / 1000) - parseInt(value.slice(16, 26), 10));
            return crossDomainTimeoutS > 0 && age > crossDomainTimeoutS ? '' : value.slice(0, 16).toLowerCase();
        }

        function visitorId() {
            if (forcedVisitorId) { return forcedVisitorId; }
            if (crossDomainOn && crossDomainVisitorId === null) { crossDomainVisitorId = readCrossDomainVisitorId(); }
            if (crossDomainVisitorId) { return crossDomainVisitorId; }
            var parts = cookiesAllowed() && readVisitorCookie();
            if (parts) { return parts[0]; }
            if (!memoryVisitorId) { memoryVisitorId = newVisitorId(); }
            return memoryVisitorId;
        }

        /** Writes _pk_id (once, 13 months from creation), _pk_ses (refreshed) and optional _pk_cvar. */
        function refreshCookies() {
            if (!cookiesAllowed()) {
                // cookies set before disableCookies or before cookie consent was withdrawn
                if (cookiesBlocked()) { deleteTrackingCookies(); }
                return;
            }
            var parts = readVisitorCookie(), id = visitorId();
            if (!parts || parts[0] !== id) {
                writeCookie(cookieName('id'), id + '.' + Math.floor(nowMs() / 1000) + '.', cookieOptions(visitorTimeoutMs));
            }
            writeCookie(cookieName('ses'), '1', cookieOptions(sessionTimeoutMs));
            if (cvarsInCookie) { writeCookie(cookieName('cvar'), toJson(customVariables.visit), cookieOptions(0)); }
        }

        /* --- URLs and attribution --- */

        function campaignKeys() {
            return campaignNameKeys.concat(campaignKeywordKeys);
        }

        function purify(url) {
            var removed = ['pk_vid', 'ignore_referrer', 'ignore_referer'].concat(excludedQueryParams);
            if (campaignParametersDisabled) { removed = removed.concat(campaignKeys()); }
            url = removeUrlParameters(String(url), removed);
            return discardHash ? url.replace(/#.*$/, '') : url;
        }

        function currentUrl() {
            return purify(customUrl || location.href);
        }

        function isExcludedReferrer(url) {
            var host = getHostName(url);
            for (var i = 0; i < excludedReferrers.length; i++) {
                var excluded = domainFixup(String(excludedReferrers[i]).toLowerCase());
                if (host === excluded.replace(/^\./, '') ||
                    (excluded.charAt(0) === '.' && host.slice(-excluded.length) === excluded)) {
                    return true;
                }
            }
            return false;
        }

        function referrerForHit() {
            if (getUrlParameter(location.href, 'ignore_referrer') === '1' ||
                getUrlParameter(location.href, 'ignore_referer') === '1' || isExcludedReferrer(referrerUrl)) {
                return '';
            }
            return referrerUrl ? purify(referrerUrl) : '';
        }

        function firstParameter(url, names) {
            for (var i = 0; i < names.length; i++) {
                var value = getUrlParameter(url, names[i]);
                if (value) { return value; }
            }
            return '';
        }

        /** [campaign name, campaign keyword, unix seconds, referrer URL] seen on this page, or null. */
        function attributionOfThisPage() {
            if (campaignParametersDisabled) { return null; }
            var name = firstParameter(location.href, campaignNameKeys), referrer = referrerForHit();
            if (name) {
                return [name, firstParameter(location.href, campaignKeywordKeys), Math.floor(nowMs() / 1000),
                    referrer.slice(0, 1024)];
            }
            if (referrer && !isSiteUrl(referrer)) { return ['', '', Math.floor(nowMs() / 1000), referrer.slice(0, 1024)]; }
            return null;
        }

        /** _pk_ref is written only at the start of a session (no _pk_ses yet). */
        function updateAttributionCookie() {
            if (!cookiesAllowed() || getCookie(cookieName('ses'))) { return; }
            var seen = attributionOfThisPage();
            if (seen && !(firstReferrerWins && getCookie(cookieName('ref')))) {
                writeCookie(cookieName('ref'), toJson(seen), cookieOptions(referralTimeoutMs));
            }
        }

        function attribution() {
            var stored = cookiesAllowed() ? parseJson(getCookie(cookieName('ref')) || 'null') : null;
            return isArray(stored) ? stored : (attributionOfThisPage() || ['', '', 0, '']);
        }

        function isSiteUrl(url) {
            var host = getHostName(url), path = getPath(url);
            for (var i = 0; i < domainAliases.length; i++) {
                var alias = String(domainAliases[i]).toLowerCase().replace(/^[a-z]+:\/\//, ''),
                    slashAt = alias.indexOf('/'),
                    aliasHost = (slashAt < 0 ? alias : alias.slice(0, slashAt)).replace(/^\*/, ''),
                    aliasPath = slashAt < 0 ? '' : alias.slice(slashAt).replace(/\*$/, ''),
                    hostMatches = aliasHost.charAt(0) === '.'
                        ? host === aliasHost.slice(1) || host.slice(-aliasHost.length) === aliasHost
                        : host === aliasHost;
                if (hostMatches && (!aliasPath || path.indexOf(aliasPath) === 0)) { return true; }
            }
            return false;
        }

        /* --- building a hit --- */

        function performanceParameters() {
            if (!performanceOn || performanceSent) { return ''; }
            if (customTimings) {
                performanceSent = true;
                return customTimings;
            }
            var perf = window.performance,
                entry = perf && isFunction(perf.getEntriesByType) && perf.getEntriesByType('navigation')[0],
                t = entry || (perf && perf.timing), query = '';
            if (!t || !t.loadEventEnd) { return ''; } // not loaded yet: the next hit of the page carries them
            var values = {
                pf_net: t.connectEnd - t.fetchStart, pf_srv: t.responseStart - t.requestStart,
                pf_tfr: t.responseEnd - t.responseStart, pf_dm1: t.domInteractive - (t.domLoading || t.responseEnd),
                pf_dm2: t.domComplete - t.domInteractive, pf_onl: t.loadEventEnd - t.loadEventStart
            };
            for (var key in values) {
                if (values[key] >= 0) { query += '&' + key + '=' + Math.round(values[key]); }
            }
            performanceSent = true;
            return query;
        }

        function customVariableParameters() {
            var query = '', names = {page: 'cvar', visit: '_cvar', event: 'e_cvar'};
            for (var scope in names) {
                if (hasKeys(customVariables[scope])) { query += '&' + names[scope] + '=' + encode(toJson(customVariables[scope])); }
            }
            return query;
        }

        function dimensionParameters() {
            var query = '';
            for (var id in dimensions) {
                if (Object.prototype.hasOwnProperty.call(dimensions, id)) {
                    query += '&dimension' + id + '=' + encode(dimensions[id]);
                }
            }
            return query;
        }

        function attributionParameters() {
            var info = attribution();
            return '&_refts=' + (info[2] || 0) + (info[0] ? '&_rcn=' + encode(info[0]) : '') +
                (info[1] ? '&_rck=' + encode(info[1]) : '') + (info[3] ? '&_ref=' + encode(info[3]) : '');
        }

        function customDataParameter(data) {
            var merged = data || customData;
            return isObject(merged) && hasKeys(merged) ? '&data=' + encode(toJson(merged)) : '';
        }

        /** Adds to `request` the parameters every hit carries, and refreshes the cookies. */
        function buildRequest(request, data) {
            var now = new Date(), referrer = referrerForHit(), charset = document.characterSet || document.charset,
                isNewVisitor = cookiesAllowed() && !readVisitorCookie() ? 1 : 0;
            updateAttributionCookie();
            request = (request ? request + '&' : '') + 'idsite=' + encode(siteIdentifier) + '&rec=1&r=' +
                String(Math.random()).slice(2, 8) + '&h=' + now.getHours() + '&m=' + now.getMinutes() +
                '&s=' + now.getSeconds() + '&url=' + encode(currentUrl()) +
                (referrer ? '&urlref=' + encode(referrer) : '') + (userId ? '&uid=' + encode(userId) : '') +
                '&_id=' + (cookiesBlocked() && !forcedVisitorId ? '' : visitorId()) + '&_idn=' + isNewVisitor +
                (charset && charset.toLowerCase() !== 'utf-8' ? '&cs=' + encode(charset) : '') + '&send_image=0' +
                attributionParameters() + dimensionParameters() + productViewQuery + customDataParameter(data) +
                customVariableParameters() + performanceParameters() + (pageViewId ? '&pv_id=' + pageViewId : '') +
                extraQuery;
            refreshCookies();
            return isFunction(requestProcessor) ? requestProcessor(request) : request;
        }

        /** Parameters added when the hit leaves: consent flag and browser features. */
        function withSendTimeParameters(request) {
            var features = browserFeaturesOn ? browserFeatures() : {};
            if (consentRequired && consentGiven) { request += '&consent=1'; }
            if (clientHints && browserFeaturesOn) { request += '&uadata=' + encode(clientHints); }
            for (var key in features) {
                if (Object.prototype.hasOwnProperty.call(features, key)) { request += '&' + key + '=' + encode(features[key]); }
            }
            return request;
        }

        /* --- transport --- */

        function trackingAllowed() {
            return !!trackerEndpoint && !refusedByVisitor() && (location.protocol !== 'file:' || fileTracking);
        }

        function endpointWith(query) {
            return trackerEndpoint + (trackerEndpoint.indexOf('?') < 0 ? '?' : '&') + query;
        }

        function notify(callback, request, success) {
            if (isFunction(callback)) { callback({request: request, trackerUrl: trackerEndpoint, success: success}); }
        }

        function sendBeacon(url, body) {
            if (!isFunction(navigator.sendBeacon) || (body && !window.Blob)) { return false; }
            try {
                return navigator.sendBeacon(url, body ? new window.Blob([body], {type: BEACON_TYPE}) : '');
            } catch (ignore) {
                return false;
            }
        }

        function sendImage(request, callback) {
            var image = new window.Image(1, 1);
            image.onload = function () { notify(callback, request, true); };
            image.onerror = function () { notify(callback, request, false); };
            image.src = endpointWith(request.replace('send_image=0', 'send_image=1'));
        }

        function sendXhr(body, contentType, callback, fallback) {
            if (!window.XMLHttpRequest) { return false; }
            try {
                var xhr = new window.XMLHttpRequest();
                xhr.open('POST', trackerEndpoint, true);
                xhr.withCredentials = true;
                xhr.setRequestHeader('Content-Type', contentType);
                xhr.onreadystatechange = function () {
                    if (xhr.readyState !== 4) { return; }
                    var ok = xhr.status >= 200 && xhr.status < 300;
                    if (!ok && fallback) { fallback(); } else { notify(callback, body, ok); }
                };
                xhr.send(body);
                return true;
            } catch (ignore) {
                return false;
            }
        }

        /** Beacon first (survives navigation), then XHR POST for long or POST hits, then an image. */
        function transmit(request, callback, forceBeacon) {
            var isLong = request.length > 2000, usePost = requestMethod === 'POST' || isLong;
            if ((alwaysBeacon || forceBeacon) && requestMethod !== 'GET' &&
                (isLong ? sendBeacon(trackerEndpoint, request) : sendBeacon(endpointWith(request)))) {
                setTimeout(function () { notify(callback, request, true); }, 0);
                return;
            }
            if (usePost && sendXhr(request, requestContentType, callback,
                isLong ? null : function () { sendImage(request, callback); })) {
                return;
            }
            sendImage(request, callback);
        }

        function sendRequest(request, callback, forceBeacon) {
            if (!trackingAllowed()) { return; }
            if (consentRequired && !consentGiven) {
                consentQueue.push(request); // held for this page view until consent is given
                return;
            }
            if (clientHintsPending && !forceBeacon) {
                afterClientHints.push(function () { sendRequest(request, callback); });
                return;
            }
            var now = nowMs(), delay = hitsSent && !forceBeacon ? Math.max(0, firstHitAt + 800 - now) : 0;
            if (!hitsSent) { firstHitAt = now; }
            hitsSent++;
            lastHitAt = now;
            if (!delay) {
                transmit(withSendTimeParameters(request), callback, forceBeacon);
                return;
            }
            // Hits right after the first wait, so that the server sees the visit's first hit first;
            // they then leave together, in order, as one bulk request.
            delayedRequests.push([request, callback]);
            if (delayedRequests.length === 1) { delayTimer = setTimeout(sendDelayed, delay); }
        }

        /** Sends the held hits; with forceBeacon when the page is going away. */
        function sendDelayed(forceBeacon) {
            var batch = delayedRequests, requests = [];
            clearTimeout(delayTimer);
            delayedRequests = [];
            if (batch.length === 1 || (batch.length && !JSONs)) {
                forEach(batch, function (item) {
                    transmit(withSendTimeParameters(item[0]), item[1], forceBeacon === true);
                });
                return;
            }
            forEach(batch, function (item) { requests.push(item[0]); });
            if (requests.length) { sendBulk(requests, forceBeacon === true); }
            forEach(batch, function (item) { notify(item[1], item[0], true); });
        }

        function sendBulk(requests, forceBeacon) {
            var list = [];
            forEach(requests, function (request) { list.push('?' + withSendTimeParameters(request)); });
            var body = toJson({requests: list, send_image: 0});
            if ((alwaysBeacon || forceBeacon) && requestMethod !== 'GET' && sendBeacon(trackerEndpoint, body)) { return; }
            if (!sendXhr(body, requestContentType, null, null)) {
                forEach(list, function (query) { sendImage(query.slice(1)); });
            }
        }

        function flushQueue(forceBeacon) {
            clearTimeout(queueTimer);
            queueTimer = 0;
            while (queuedRequests.length) {
                var batch = queuedRequests.splice(0, 50);
                if (batch.length === 1 || !JSONs) {
                    forEach(batch, function (request) { sendRequest(request, null, forceBeacon); });
                } else if (trackingAllowed()) {
                    hitsSent += batch.length;
                    lastHitAt = nowMs();
                    sendBulk(batch, forceBeacon);
                }
            }
        }

        function queueRequest(request, isFullRequest) {
            if (!isFullRequest) { request = buildRequest(request); }
            if (!queueOn || (consentRequired && !consentGiven)) {
                sendRequest(request);
                return;
            }
            queuedRequests.push(request);
            if (!queueTimer) { queueTimer = setTimeout(flushQueue, queueIntervalMs); }
        }

        function whenVisible(callback) {
            if (countPreRendered || !isPrerendering()) {
                callback();
                return;
            }
            var done = false, run = function () {
                if (!done && !isPrerendering()) {
                    done = true;
                    callback();
                }
            };
            addEvent(document, 'prerenderingchange', run);
            addEvent(document, 'visibilitychange', run);
        }

        function onPageHidden() {
            sendDelayed(true);
            heartbeatIfDue();
            flushQueue(true);
        }

        addEvent(window, 'pagehide', onPageHidden);
        addEvent(document, 'visibilitychange', function () {
            if (document.visibilityState === 'hidden') { onPageHidden(); } else { focusedAt = nowMs(); }
        });

        /* --- heartbeat --- */

        /** A ping when the visitor leaves (blur, hidden tab, unload) after staying long enough. */
        function heartbeatIfDue() {
            var now = nowMs();
            if (heartbeatMs && trackedPageViews && now - lastHitAt >= heartbeatMs && now - focusedAt >= heartbeatMs) {
                sendRequest(buildRequest('ping=1'), null, true);
            }
        }

        function installHeartbeat() {
            if (heartbeatInstalled) { return; }
            heartbeatInstalled = true;
            addEvent(window, 'focus', function () { focusedAt = nowMs(); });
            addEvent(window, 'blur', heartbeatIfDue);
        }

        /* --- links --- */

        function downloadPattern() {
            return new RegExp('\\.(' + downloadExtensions.join('|').replace(/[.+?^${}()[\]\\]/g, '\\$&') +
                ')([?&#]|$)', 'i');
        }

        /** 'link', 'download' or '' (not tracked) for a clicked link. */
        function linkType(link, href) {
            if (!href || IGNORED_SCHEMES.test(href) || !getHostName(href) ||
                href.indexOf(trackerEndpoint) === 0 || hasMarkerClass(link, 'ignore', ignoreClasses)) {
                return '';
            }
            if (hasMarkerClass(link, 'link', linkClasses)) { return 'link'; }
            if (link.hasAttribute('download') || hasMarkerClass(link, 'download', downloadClasses) ||
                downloadPattern().test(href.replace(/^[a-z][a-z0-9+.-]*:\/\/[^\/?#]*/i, ''))) {
                return 'download';
            }
            return isSiteUrl(href) ? '' : 'link';
        }

        function crossDomainValue() {
            return visitorId() + Math.floor(nowMs() / 1000) + deviceId();
        }

        /** Adds pk_vid to a link towards another of the site's domains. */
        function decorateCrossDomainLink(link) {
            var href = link.href;
            if (!href || getHostName(href) === location.hostname.toLowerCase() || !isSiteUrl(href)) { return; }
            href = removeUrlParameters(href, ['pk_vid']);
            var hashAt = href.indexOf('#'), base = hashAt < 0 ? href : href.slice(0, hashAt);
            link.href = base + (base.indexOf('?') < 0 ? '?' : '&') + 'pk_vid=' + crossDomainValue() +
                (hashAt < 0 ? '' : href.slice(hashAt));
        }

        function findLink(node) {
            return closest(node, function (candidate) {
                var tag = candidate.nodeName.toLowerCase();
                return (tag === 'a' || tag === 'area') && candidate.getAttribute('href') !== null;
            });
        }

        /** The content block clicked inside its target, if that counts as an interaction. */
        function clickedContent(node) {
            var block = contentTrackingUsed && closest(node, isContentBlock);
            if (!block) { return null; }
            var content = readContent(block), inTarget = closest(node, function (candidate) {
                return candidate === content.targetNode;
            });
            return inTarget && !ignoresInteraction(content.targetNode) ? content : null;
        }

        function handleClick(event) {
            var node = event.target || event.srcElement, link = findLink(node),
                content = clickedContent(node), type = link && linkTrackingOn ? linkType(link, link.href) : '';
            if (link && crossDomainOn) { decorateCrossDomainLink(link); }
            if (type) {
                var request = type + '=' + encode(purify(link.href)) +
                    (content ? '&' + contentParameters(content, 'click') : '');
                sendRequest(buildRequest(request), null, true);
                linkExpiry = nowMs() + linkTrackingTimerMs;
            } else if (content) {
                sendRequest(buildRequest(contentParameters(content, 'click')), null, true);
            }
        }

        function onLinkClick(event) {
            var button = isDefined(event.which) ? event.which : event.button + 1;
            if (event.type === 'click' && button <= 1) {
                handleClick(event);
            } else if (middleClicksOn && event.type === 'mousedown' && button === 2) {
                middleClickTarget = findLink(event.target);
            } else if (middleClicksOn && event.type === 'mouseup' && button === 2) {
                if (middleClickTarget && middleClickTarget === findLink(event.target)) { handleClick(event); }
                middleClickTarget = null;
            } else if (middleClicksOn && event.type === 'contextmenu') {
                handleClick(event);
            }
        }

        function installClickListener(element) {
            if (!element) {
                if (clickListenerInstalled) { return; }
                clickListenerInstalled = true;
            }
            forEach(['click', 'mousedown', 'mouseup', 'contextmenu'], function (type) {
                addEvent(element || document, type, onLinkClick, true);
            });
        }

        /* --- content impressions --- */

        function trackImpressions(blocks) {
            forEach(blocks, function (block) {
                var content = readContent(block), key = content.name + '|' + content.piece + '|' + content.target;
                if (!contentSeen[key]) {
                    contentSeen[key] = 1;
                    queueRequest(contentParameters(content));
                }
            });
        }

        function pollVisibleBlocks() {
            var waiting = [];
            forEach(contentPollBlocks, function (block) {
                if (isNodeVisible(block)) { trackImpressions([block]); } else { waiting.push(block); }
            });
            contentPollBlocks = waiting;
        }

        /** Impressions for blocks once they are on screen: IntersectionObserver, else polling. */
        function watchVisibility(blocks, checkOnScroll, intervalMs) {
            var Observer = window.IntersectionObserver;
            if (!checkOnScroll && !intervalMs) {
                trackImpressions(blocks.filter ? blocks.filter(isNodeVisible) : blocks);
            } else if (Observer) {
                contentObserver = contentObserver || new Observer(function (entries) {
                    forEach(entries, function (entry) {
                        if (entry.isIntersecting && isNodeVisible(entry.target)) {
                            trackImpressions([entry.target]);
                            contentObserver.unobserve(entry.target);
                        }
                    });
                });
                forEach(blocks, function (block) { contentObserver.observe(block); });
            } else {
                contentPollBlocks = contentPollBlocks.concat(blocks);
                pollVisibleBlocks();
                if (checkOnScroll) { addEvent(window, 'scroll', pollVisibleBlocks); }
                if (intervalMs) { setInterval(pollVisibleBlocks, intervalMs); }
            }
        }

        function allBlocks(node) {
            return findAll(node || document.body || document.documentElement, CONTENT_BLOCK);
        }

        /* --- commands that send hits --- */

        function trackPageView(title, data, callback) {
            whenVisible(function () {
                if (!pageViewIdIsManual) { pageViewId = randomString(6); }
                pageViewIdIsManual = false;
                trackedPageViews++;
                contentSeen = {};
                consentQueue = [];
                var name = title || (customTitle !== null ? customTitle : document.title);
                sendRequest(buildRequest('action_name=' + encode(trim(String(name || ''))), data), callback);
            });
        }

        function trackEvent(category, action, name, value, data, callback) {
            if (!trim(String(category || '')) || !trim(String(action || ''))) {
                logError('footfall.js: trackEvent needs a non-empty category and action');
                return;
            }
            var request = 'e_c=' + encode(category) + '&e_a=' + encode(action) +
                (isDefined(name) && name !== null && name !== '' ? '&e_n=' + encode(name) : '') +
                (isDefined(value) && value !== null && value !== '' && !isNaN(parseFloat(value))
                    ? '&e_v=' + encode(parseFloat(value)) : '') + '&ca=1';
            sendRequest(buildRequest(request, data), callback);
        }

        function cartItemsParameter() {
            var items = [];
            for (var sku in cartItems) {
                if (Object.prototype.hasOwnProperty.call(cartItems, sku)) { items.push(cartItems[sku]); }
            }
            return '&ec_items=' + encode(toJson(items));
        }

        function amount(name, value) {
            return isDefined(value) && value !== null && value !== '' && !isNaN(parseFloat(value))
                ? '&' + name + '=' + encode(parseFloat(value)) : '';
        }

        function trackEcommerceOrder(orderId, grandTotal, subTotal, tax, shipping, discount) {
            if (!String(isDefined(orderId) && orderId !== null ? orderId : '').length || !amount('r', grandTotal)) {
                logError('footfall.js: trackEcommerceOrder needs an order id and a grand total');
                return;
            }
            sendRequest(buildRequest('idgoal=0&ec_id=' + encode(orderId) + amount('revenue', grandTotal) +
                amount('ec_st', subTotal) + amount('ec_tx', tax) + amount('ec_sh', shipping) +
                amount('ec_dt', discount) + cartItemsParameter()));
            cartItems = {};
        }

        function setEcommerceView(sku, name, category, price) {
            var query = '';
            if (sku) { query += '&_pks=' + encode(sku); }
            if (name) { query += '&_pkn=' + encode(name); }
            if (isArray(category) ? category.length : category) {
                query += '&_pkc=' + encode(isArray(category) ? toJson(category.slice(0, 5)) : category);
            }
            productViewQuery = query + amount('_pkp', price);
        }

        function setConsentGiven(setCookieConsent) {
            var queued = consentQueue;
            consentGiven = true;
            if (setCookieConsent !== false) { cookieConsentGiven = true; }
            consentQueue = [];
            refreshCookies();
            forEach(queued, function (request) { sendRequest(request); });
        }

        function forgetConsentGiven(hours) {
            deleteConsentCookie(CONSENT_COOKIE);
            deleteConsentCookie(COOKIE_CONSENT_COOKIE);
            writeConsentCookie(OPT_OUT_COOKIE, hours);
            deleteTrackingCookies();
            consentRequired = true;
            consentGiven = false;
        }

        function setCookieConsentGiven() {
            cookieConsentGiven = true;
            refreshCookies();
            if (hitsSent && trackedPageViews) { sendRequest(buildRequest('ping=1')); }
        }

        function listSetter(assign) {
            return function (value) { assign(isString(value) ? [value] : toList(value)); };
        }

        /* --- the public commands (names are Matomo's) --- */

        var commands = {
            // where hits go
            setTrackerUrl: function (url) { trackerEndpoint = String(url); },
            getTrackerUrl: function () { return trackerEndpoint; },
            setAPIUrl: function (url) { apiUrl = String(url); },
            getMatomoUrl: function () { return apiUrl || trackerEndpoint.replace(/[^\/]*(\?.*)?$/, ''); },
            setSiteId: function (id) { siteIdentifier = id; },
            getSiteId: function () { return siteIdentifier; },
            addPlugin: function (name, plugin) { plugins[name] = plugin; self[name] = plugin; },
            // the page
            trackPageView: trackPageView,
            setCustomUrl: function (url) { customUrl = toAbsoluteUrl(String(url)); },
            getCurrentUrl: currentUrl,
            setReferrerUrl: function (url) { referrerUrl = String(url); },
            setDocumentTitle: function (title) { customTitle = String(title); },
            setPageViewId: function (id) { pageViewId = id; pageViewIdIsManual = true; },
            getPageViewId: function () { return pageViewId; },
            getNumTrackedPageViews: function () { return trackedPageViews; },
            setGenerationTimeMs: function () { /* no longer meaningful: kept for old snippets */ },
            setPagePerformanceTiming: function (net, srv, tfr, dm1, dm2, onl) {
                var values = {pf_net: net, pf_srv: srv, pf_tfr: tfr, pf_dm1: dm1, pf_dm2: dm2, pf_onl: onl};
                customTimings = '';
                for (var key in values) { customTimings += amount(key, values[key]); }
                performanceSent = false;
            },
            disablePerformanceTracking: function () { performanceOn = false; },
            setCountPreRendered: function (enable) { countPreRendered = enable !== false; },
            enableFileTracking: function () { fileTracking = true; },
            appendToTrackingUrl: function (query) { extraQuery = query ? '&' + String(query).replace(/^&/, '') : ''; },
            getRequest: function (request) { return buildRequest(request); },
            setCustomRequestProcessing: function (processor) { requestProcessor = processor; },
            setCustomData: function (key, value) {
                if (isObject(key)) { customData = key; } else { customData = customData || {}; customData[key] = value; }
            },
            getCustomData: function () { return customData; },
            killFrame: function () { if (window.top !== window.self) { window.top.location = location.href; } },
            redirectFile: function (url) { if (location.protocol === 'file:') { location.href = url; } },
            // hits
            trackRequest: function (request, data, callback) { sendRequest(buildRequest(request, data), callback); },
            queueRequest: queueRequest,
            ping: function () { sendRequest(buildRequest('ping=1')); },
            enableHeartBeatTimer: function (seconds) {
                heartbeatMs = Math.max(isDefined(seconds) ? Number(seconds) : 15, 5) * 1000;
                installHeartbeat();
            },
            disableHeartBeatTimer: function () { heartbeatMs = 0; },
            trackEvent: trackEvent,
            trackSiteSearch: function (keyword, category, resultsCount, data) {
                sendRequest(buildRequest('search=' + encode(keyword) +
                    (category ? '&search_cat=' + encode(category) : '') +
                    (isDefined(resultsCount) && resultsCount !== false && resultsCount !== null
                        ? '&search_count=' + encode(resultsCount) : ''), data));
            },
            trackGoal: function (idGoal, revenue, data, callback) {
                sendRequest(buildRequest('idgoal=' + encode(idGoal) + (revenue ? amount('revenue', revenue) : ''), data),
                    callback);
            },
            trackLink: function (url, type, data, callback) {
                sendRequest(buildRequest((type === 'download' ? 'download' : 'link') + '=' + encode(purify(url)), data),
                    callback, true);
            },
            enableJSErrorTracking: function () {
                if (jsErrorsOn) { return; }
                jsErrorsOn = true;
                addEvent(window, 'error', function (event) {
                    var where = (event.filename || '') + ':' + (event.lineno || 0) + (event.colno ? ':' + event.colno : '');
                    trackEvent('JavaScript Errors', where, event.message || '');
                });
            },
            // e-commerce
            addEcommerceItem: function (sku, name, category, price, quantity) {
                if (!isDefined(sku) || sku === null || String(sku) === '') { return; }
                cartItems[sku] = [String(sku), name || '', isDefined(category) && category !== null ? category : '',
                    isNaN(parseFloat(price)) ? 0 : parseFloat(price),
                    isNaN(parseInt(quantity, 10)) ? 1 : parseInt(quantity, 10)];
            },
            removeEcommerceItem: function (sku) { delete cartItems[sku]; },
            clearEcommerceCart: function () { cartItems = {}; },
            getEcommerceItems: function () {
                var copy = {};
                for (var sku in cartItems) { copy[sku] = cartItems[sku].slice(0); }
                return copy;
            },
            setEcommerceView: setEcommerceView,
            trackEcommerceOrder: trackEcommerceOrder,
            trackEcommerceCartUpdate: function (grandTotal) {
                sendRequest(buildRequest('idgoal=0' + (amount('revenue', grandTotal) || '&revenue=0') + cartItemsParameter()));
            },
            // dimensions and custom variables
            setCustomDimension: function (id, value) {
                id = parseInt(id, 10);
                if (id > 0) { dimensions[id] = isDefined(value) && value !== null ? String(value) : ''; }
            },
            getCustomDimension: function (id) { return dimensions[parseInt(id, 10)]; },
            deleteCustomDimension: function (id) { delete dimensions[parseInt(id, 10)]; },
            setCustomVariable: function (index, name, value, scope) {
                var bucket = customVariables[scope || 'visit'];
                if (bucket && isDefined(name) && parseInt(index, 10) > 0) {
                    bucket[index] = [String(name).slice(0, 200), String(isDefined(value) ? value : '').slice(0, 200)];
                }
            },
            getCustomVariable: function (index, scope) {
                var bucket = customVariables[scope || 'visit'];
                return bucket && bucket[index] ? bucket[index] : false;
            },
            deleteCustomVariable: function (index, scope) {
                var bucket = customVariables[scope || 'visit'];
                if (bucket) { delete bucket[index]; }
            },
            deleteCustomVariables: function (scope) { customVariables[scope || 'visit'] = {}; },
            storeCustomVariablesInCookie: function () {
                var stored = cookiesAllowed() && parseJson(getCookie(cookieName('cvar')) || 'null');
                cvarsInCookie = true;
                if (isObject(stored)) { customVariables.visit = stored; }
            },
            // users
            setUserId: function (id) { if (isDefined(id) && id !== null && String(id).length) { userId = String(id); } },
            resetUserId: function () { userId = ''; },
            getUserId: function () { return userId; },
            setVisitorId: function (id) { if (/^[0-9a-f]{16}$/i.test(id)) { forcedVisitorId = id.toLowerCase(); } },
            getVisitorId: visitorId,
            getVisitorInfo: function () {
                var parts = cookiesAllowed() && readVisitorCookie();
                return [parts ? '0' : '1', visitorId(), parts ? parts[1] : Math.floor(nowMs() / 1000)];
            },
            getAttributionInfo: attribution,
            getAttributionCampaignName: function () { return attribution()[0]; },
            getAttributionCampaignKeyword: function () { return attribution()[1]; },
            getAttributionReferrerTimestamp: function () { return attribution()[2]; },
            getAttributionReferrerUrl: function () { return attribution()[3]; },
            // links
            enableLinkTracking: function (enableMiddleClicks) {
                linkTrackingOn = true;
                middleClicksOn = !!enableMiddleClicks;
                installClickListener();
            },
            addListener: function (element, enableMiddleClicks) {
                linkTrackingOn = true;
                middleClicksOn = middleClicksOn || !!enableMiddleClicks;
                installClickListener(element);
            },
            setLinkTrackingTimer: function (ms) { linkTrackingTimerMs = Number(ms) || 0; },
            getLinkTrackingTimer: function () { return linkTrackingTimerMs; },
            setDownloadExtensions: function (list) { downloadExtensions = toList(list); },
            addDownloadExtensions: function (list) { downloadExtensions = downloadExtensions.concat(toList(list)); },
            removeDownloadExtensions: function (list) {
                var removed = toList(list), kept = [];
                forEach(downloadExtensions, function (ext) { if (indexOf(removed, ext) < 0) { kept.push(ext); } });
                downloadExtensions = kept;
            },
            setDomains: listSetter(function (list) {
                var hasPath = false;
                forEach(list, function (alias) { hasPath = hasPath || String(alias).replace(/^[a-z]+:\/\//i, '').indexOf('/') > 0; });
                domainAliases = list;
                if (!hasPath && !isSiteUrl(location.href)) { domainAliases.push(location.hostname); }
            }),
            setLinkClasses: listSetter(function (list) { linkClasses = list; }),
            setDownloadClasses: listSetter(function (list) { downloadClasses = list; }),
            setIgnoreClasses: listSetter(function (list) { ignoreClasses = list; }),
            setExcludedQueryParams: listSetter(function (list) { excludedQueryParams = list; }),
            setExcludedReferrers: listSetter(function (list) { excludedReferrers = list; }),
            discardHashTag: function (enable) { discardHash = enable !== false; },
            setCampaignNameKey: listSetter(function (list) { campaignNameKeys = list; }),
            setCampaignKeywordKey: listSetter(function (list) { campaignKeywordKeys = list; }),
            disableCampaignParameters: function () { campaignParametersDisabled = true; },
            // cross-domain linking
            enableCrossDomainLinking: function () { crossDomainOn = true; installClickListener(); },
            disableCrossDomainLinking: function () { crossDomainOn = false; },
            isCrossDomainLinkingEnabled: function () { return crossDomainOn; },
            setCrossDomainLinkingTimeout: function (seconds) { crossDomainTimeoutS = Number(seconds); },
            getCrossDomainLinkingUrlParameter: function () { return 'pk_vid=' + crossDomainValue(); },
            // content tracking
            trackAllContentImpressions: function () {
                contentTrackingUsed = true;
                installClickListener();
                onReady(function () { trackImpressions(allBlocks()); });
            },
            trackVisibleContentImpressions: function (checkOnScroll, intervalMs) {
                contentTrackingUsed = true;
                visibleContentOn = true;
                installClickListener();
                onReady(function () {
                    watchVisibility(allBlocks(), checkOnScroll !== false, isDefined(intervalMs) ? intervalMs : 750);
                });
            },
            trackContentImpressionsWithinNode: function (node) {
                contentTrackingUsed = true;
                installClickListener();
                onReady(function () {
                    if (visibleContentOn) { watchVisibility(allBlocks(node), true, 750); } else { trackImpressions(allBlocks(node)); }
                });
            },
            trackContentImpression: function (name, piece, target) {
                if (trim(String(name || ''))) {
                    queueRequest(contentParameters({name: name, piece: piece || 'Unknown', target: target || ''}));
                }
            },
            trackContentInteraction: function (interaction, name, piece, target) {
                if (trim(String(name || '')) && interaction) {
                    queueRequest(contentParameters({name: name, piece: piece || 'Unknown', target: target || ''},
                        interaction));
                }
            },
            trackContentInteractionNode: function (node, interaction) {
                var block = node && closest(node, isContentBlock);
                if (block) { queueRequest(contentParameters(readContent(block), interaction || 'Unknown')); }
            },
            logAllContentBlocksOnPage: function () {
                var found = [];
                forEach(allBlocks(), function (block) { found.push(readContent(block)); });
                if (window.console && window.console.log) { window.console.log(found); }
                return found;
            },
            // cookies
            setCookieNamePrefix: function (prefix) { cookiePrefix = String(prefix); },
            setCookieDomain: function (domain) { cookieDomain = domainFixup(domain); },
            getCookieDomain: function () { return cookieDomain; },
            setCookiePath: function (path) { cookiePath = String(path); },
            getCookiePath: function () { return cookiePath; },
            setVisitorCookieTimeout: function (seconds) { visitorTimeoutMs = seconds * 1000; },
            setSessionCookieTimeout: function (seconds) { sessionTimeoutMs = seconds * 1000; },
            getSessionCookieTimeout: function () { return sessionTimeoutMs; },
            setReferralCookieTimeout: function (seconds) { referralTimeoutMs = seconds * 1000; },
            setConversionAttributionFirstReferrer: function (enable) { firstReferrerWins = enable !== false; },
            setSecureCookie: function (enable) { cookieSecure = enable !== false; },
            setCookieSameSite: function (value) {
                value = String(value).charAt(0).toUpperCase() + String(value).slice(1).toLowerCase();
                // SameSite=None needs Secure, which an http page cannot set: stay on Lax there
                cookieSameSite = value === 'None' && location.protocol !== 'https:' ? 'Lax' : value;
            },
            disableCookies: function () { cookiesDisabled = true; if (siteIdentifier) { deleteTrackingCookies(); } },
            areCookiesEnabled: function () { return !cookiesBlocked(); },
            hasCookies: function () { return navigator.cookieEnabled ? '1' : '0'; },
            deleteCookies: deleteTrackingCookies,
            setSessionCookie: function (name, value, ms) {
                if (cookiesAllowed()) { writeCookie(cookieName(name), value, cookieOptions(ms || sessionTimeoutMs)); }
            },
            getCookie: function (name) { return getCookie(cookieName(name)); },
            // consent and privacy
            requireConsent: function () { consentRequired = true; consentGiven = !!getCookie(CONSENT_COOKIE); },
            isConsentRequired: function () { return consentRequired; },
            setConsentGiven: setConsentGiven,
            rememberConsentGiven: function (hours) {
                writeConsentCookie(CONSENT_COOKIE, hours);
                deleteConsentCookie(OPT_OUT_COOKIE);
                setConsentGiven();
            },
            forgetConsentGiven: forgetConsentGiven,
            optUserOut: forgetConsentGiven,
            forgetUserOptOut: function () {
                deleteConsentCookie(OPT_OUT_COOKIE);
                setConsentGiven(false);
            },
            isUserOptedOut: function () { return !!getCookie(OPT_OUT_COOKIE); },
            getRememberedConsent: function () { return getCookie(CONSENT_COOKIE) || null; },
            hasRememberedConsent: function () { return !!getCookie(CONSENT_COOKIE); },
            hasConsent: function () { return !getCookie(OPT_OUT_COOKIE) && (!consentRequired || consentGiven); },
            requireCookieConsent: function () {
                cookieConsentRequired = true;
                cookieConsentGiven = !!getCookie(COOKIE_CONSENT_COOKIE) || !!getCookie(CONSENT_COOKIE);
                return !cookieConsentGiven;
            },
            setCookieConsentGiven: setCookieConsentGiven,
            rememberCookieConsentGiven: function (hours) {
                writeConsentCookie(COOKIE_CONSENT_COOKIE, hours);
                setCookieConsentGiven();
            },
            forgetCookieConsentGiven: function () {
                deleteConsentCookie(COOKIE_CONSENT_COOKIE);
                deleteTrackingCookies();
                cookieConsentRequired = true;
                cookieConsentGiven = false;
            },
            getRememberedCookieConsent: function () { return getCookie(COOKIE_CONSENT_COOKIE) || null; },
            setDoNotTrack: function (enable) { honourDoNotTrack = enable !== false; },
            disableBrowserFeatureDetection: function () { browserFeaturesOn = false; },
            enableBrowserFeatureDetection: function () { browserFeaturesOn = true; },
            // transport
            setRequestMethod: function (method) { requestMethod = String(method || '').toUpperCase(); },
            setRequestContentType: function (type) { requestContentType = type || requestContentType; },
            alwaysUseSendBeacon: function () { alwaysBeacon = true; },
            disableAlwaysUseSendBeacon: function () { alwaysBeacon = false; },
            disableQueueRequest: function () { queueOn = false; },
            setRequestQueueInterval: function (ms) { queueIntervalMs = Math.max(Number(ms) || 0, 1000); }
        };
        commands.getPiwikUrl = commands.getMatomoUrl;
        for (var name in commands) {
            if (Object.prototype.hasOwnProperty.call(commands, name)) { self[name] = commands[name]; }
        }
        triggerEvent('TrackerSetup', [self]);
    }

    /* ------------------------------------------------------------------ *
     * 4. The `_paq` queue and the global object
     * ------------------------------------------------------------------ */

    /** Commands that configure a tracker run before the others, whatever their queue position. */
    var FIRST_COMMANDS = ['addTracker', 'enableFileTracking', 'forgetCookieConsentGiven', 'requireCookieConsent',
            'disableBrowserFeatureDetection', 'disableCampaignParameters', 'disableCookies', 'setTrackerUrl',
            'setAPIUrl', 'enableCrossDomainLinking', 'setCrossDomainLinkingTimeout', 'setSessionCookieTimeout',
            'setVisitorCookieTimeout', 'setCookieNamePrefix', 'setCookieSameSite', 'setSecureCookie',
            'setCookiePath', 'setCookieDomain', 'setDomains', 'setUserId', 'setVisitorId', 'setSiteId',
            'alwaysUseSendBeacon', 'disableAlwaysUseSendBeacon', 'enableLinkTracking', 'setCookieConsentGiven',
            'requireConsent', 'setConsentGiven', 'disablePerformanceTracking', 'setPagePerformanceTiming',
            'setExcludedQueryParams', 'setExcludedReferrers'],
        missedPluginCalls = [],
        api;

    function triggerEvent(name, args) {
        forEach(eventHandlers[name] || [], function (handler) { handler.apply(api, args || []); });
    }

    function addTracker(url, siteId) {
        var tracker = new Tracker(url || (trackers[0] ? trackers[0].getTrackerUrl() : ''), siteId);
        trackers.push(tracker);
        triggerEvent('TrackerAdded', [tracker]);
        return tracker;
    }

    function callCommand(tracker, name, args) {
        var colonsAt = name.indexOf('::'), dotAt = name.indexOf('.'), owner = tracker, method = name;
        if (colonsAt > 0) {
            owner = api[name.slice(0, colonsAt)];
            method = name.slice(colonsAt + 2);
        } else if (dotAt > 0) {
            owner = tracker[name.slice(0, dotAt)];
            method = name.slice(dotAt + 1);
            if (!owner) { // plugin not loaded yet: Matomo.retryMissedPluginCalls() runs it later
                missedPluginCalls.push([name].concat(args));
                return;
            }
        }
        if (!owner || !isFunction(owner[method])) {
            throw new TypeError('footfall.js: unknown _paq command "' + name + '"');
        }
        owner[method].apply(owner, args);
    }

    /** Runs one `_paq` entry: an array ['command', args...] or a function (run once per tracker). */
    function applyCommand(command) {
        if (isFunction(command)) {
            forEach(trackers.slice(0), function (tracker) { command.apply(tracker, []); });
            return;
        }
        if (!command || !isString(command[0])) { return; }
        var name = command[0], args = Array.prototype.slice.call(command, 1);
        if (name === 'addTracker') {
            addTracker(args[0], args[1]);
            return;
        }
        var targets = name === 'setTrackerUrl' || name === 'setSiteId' ? trackers.slice(0, 1) : trackers.slice(0);
        forEach(targets, function (tracker) { callCommand(tracker, name, args); });
    }

    /** Runs the commands pushed before load; an unknown command is reported without stopping the rest. */
    function applyInitialQueue(queue) {
        var done = [], errors = [], i;
        function run(index) {
            done[index] = true;
            try { applyCommand(queue[index]); } catch (error) { errors.push(error); }
        }
        forEach(FIRST_COMMANDS, function (name) {
            for (i = 0; i < queue.length; i++) {
                if (!done[i] && queue[i] && queue[i][0] === name) { run(i); }
            }
        });
        for (i = 0; i < queue.length; i++) {
            if (!done[i]) { run(i); }
        }
        forEach(errors, function (error) { setTimeout(function () { throw error; }, 0); });
    }

    api = {
        initialized: false,
        getTracker: function (url, siteId) { return new Tracker(url, siteId); },
        getAsyncTracker: function (url, siteId) {
            if (!isDefined(url)) { return trackers[0]; }
            for (var i = 0; i < trackers.length; i++) {
                if (trackers[i].getTrackerUrl() === url && (!isDefined(siteId) || String(trackers[i].getSiteId()) === String(siteId))) {
                    return trackers[i];
                }
            }
            return new Tracker(url, siteId);
        },
        getAsyncTrackers: function () { return trackers.slice(0); },
        addTracker: addTracker,
        addPlugin: function (name, plugin) { api[name] = plugin; },
        retryMissedPluginCalls: function () {
            var calls = missedPluginCalls;
            missedPluginCalls = [];
            forEach(calls, applyCommand);
        },
        on: function (name, handler) { (eventHandlers[name] = eventHandlers[name] || []).push(handler); },
        off: function (name, handler) {
            var handlers = eventHandlers[name] || [], at = indexOf(handlers, handler);
            if (at >= 0) { handlers.splice(at, 1); }
        },
        trigger: triggerEvent,
        DOM: {
            onLoad: onLoad, onReady: onReady, addEventListener: addEvent,
            isNodeVisible: isNodeVisible, isOrWasNodeVisible: isNodeVisible
        }
    };

    // Link clicks without sendBeacon: hold the unload briefly so the hit can leave.
    var linkExpiry = 0;
    addEvent(window, 'beforeunload', function () {
        while (nowMs() < linkExpiry && !isFunction(navigator.sendBeacon)) { /* wait */ }
    });

    window.Footfall = api;
    if (!window.Matomo) { window.Matomo = api; }
    if (!window.Piwik) { window.Piwik = window.Matomo; }

    detectClientHints();
    var queue = isArray(window._paq) ? window._paq : [];
    trackers.push(new Tracker());
    applyInitialQueue(queue);
    window._paq = {
        push: function () {
            for (var i = 0; i < arguments.length; i++) { applyCommand(arguments[i]); }
            return 0;
        }
    };
    api.initialized = true;
    triggerEvent('MatomoInitialized', []);
    forEach(['matomoAsyncInit', 'piwikAsyncInit'], function (name) {
        if (isFunction(window[name])) { window[name](); }
    });
    forEach(window.matomoPluginAsyncInit || [], function (init) { if (isFunction(init)) { init(); } });
}(window, document, navigator));
