/* kairan: this build's service worker; static/worker.js does the work. */
self.kairanWorker = {"version":"319a4b042e7d35be4d925be43b3d4db5","keep":[{"url":""},{"url":"issues/1/","pictures":true},{"url":"activities/kushibiki-salon/","pictures":true},{"url":"activities/haguro-aruku/","pictures":true},{"url":"events/kenshu/","pictures":true},{"url":"activities/"},{"url":"contacts/"}],"offline":"offline/"};
importScripts("static/worker.7bcef9add9.js");
