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
        pendingHeartbeatUnload = 0,
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

    //@@TRACKER@@

    //@@QUEUE@@
}(window, document, navigator));
