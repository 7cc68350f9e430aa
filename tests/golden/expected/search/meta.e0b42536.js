kairanSearch.meta({"districts":[["kushibiki","櫛引"],["haguro","羽黒"]],"docs":"wQBCCg","dw":1,"kinds":["活動","催し","号","ページ"],"n":6,"portable":false,"scan":true,"v":2,"x":{"g":16,"h":"85ca21c9"}});
