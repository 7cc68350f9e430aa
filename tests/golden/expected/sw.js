/* kairan: this build's service worker; static/worker.js does the work. */
self.kairanWorker = {"version":"a5407139e74d75630fbb7a14033dac7d","keep":[{"url":""},{"url":"issues/1/","pictures":true},{"url":"activities/kushibiki-salon/","pictures":true},{"url":"activities/haguro-aruku/","pictures":true},{"url":"events/kenshu/","pictures":true},{"url":"activities/"},{"url":"contacts/"}],"offline":"offline/"};
importScripts("static/worker.7bcef9add9.js");
