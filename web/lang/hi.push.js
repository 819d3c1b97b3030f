// हिन्दी (Hindi), notifications on/off (push.js). AWAITING REVIEW by a native speaker (see hi.strings.js).
export default {
  push_on: 'सूचनाएँ: चालू',
  push_blocked: 'सूचनाएँ: ब्राउज़र ने रोकी हैं',
  push_unsupported: 'सूचनाएँ: यह ब्राउज़र इन्हें नहीं चलाता',
  push_working: 'सूचनाएँ: चालू हो रही हैं…',
  pushFailed: 'सूचनाएँ चालू नहीं हो सकीं: {why}',
  pushNoService: 'ब्राउज़र की पुश सेवा ने जवाब नहीं दिया (इंटरनेट नहीं है, या नेटवर्क इसे रोकता है)',
  pushBlockedHow: 'यह ब्राउज़र इस साइट की सूचनाएँ रोकता है: साइट सेटिंग में इन्हें अनुमति दें, फिर दोबारा दबाएँ।',
};
