/* kairan: this build's service worker; static/worker.js does the work. */
self.kairanWorker = {"version":"dd91b2c26f5a2b9651eba7608390f568","keep":[{"url":""},{"url":"issues/1/","pictures":true},{"url":"activities/kushibiki-salon/","pictures":true},{"url":"activities/haguro-aruku/","pictures":true},{"url":"events/kenshu/","pictures":true},{"url":"activities/"},{"url":"contacts/"}],"offline":"offline/"};
importScripts("static/worker.7bcef9add9.js");
