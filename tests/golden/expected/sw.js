/* kairan: this build's service worker; static/worker.js does the work. */
self.kairanWorker = {"version":"48b741ce530094c0d08c846d9b410d7e","keep":[{"url":""},{"url":"issues/1/","pictures":true},{"url":"activities/kushibiki-salon/","pictures":true},{"url":"activities/haguro-aruku/","pictures":true},{"url":"events/kenshu/","pictures":true},{"url":"activities/"},{"url":"contacts/"}],"offline":"offline/"};
importScripts("static/worker.7bcef9add9.js");
