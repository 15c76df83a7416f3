"""Visitor enrichment: pure, start-up-loaded helpers the tracking pipeline calls.

device.py      device, OS, browser and bot from the user agent and client hints
               (device-detector), with memory and database caches; device_names.py
               turns the stored codes back into names for reports
geo.py         location from a MaxMind-format database, or from the browser language
language.py    Accept-Language into location_browser_lang, and the country guess
referrer.py    referrer attribution (campaign, direct, search, social, website),
               conversion attribution and referrer anonymisation; campaign.py,
               search_engines.py, site_urls.py and spam.py are its parts
ip.py          client IP behind proxies, masking, storage form, excluded-IP matching
bots.py        crawler networks, the bot test that complements the user agent

Data (search engines, social networks, spam hosts, countries, languages, crawler
networks) lives in footfall/data, in files a user can read and extend.
"""
