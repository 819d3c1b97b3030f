// हिन्दी (Hindi), photos and files (attach.js). AWAITING REVIEW by a native speaker (see hi.strings.js).
export default {
  toSend: 'भेजने के लिए',
  sendOriginal: 'मूल फ़ोटो भेजें (बड़ी)',
  removeFile: '{name} हटाएँ',
  preparing: 'तैयार हो रहा है…',
  fiveFiles: 'एक संदेश में अधिकतम 5 फ़ाइलें।',
  fileKinds: 'केवल फ़ोटो (JPEG, PNG, WebP) और PDF फ़ाइलें भेजी जा सकती हैं।',
  fileFailed: 'यह फ़ाइल पढ़ी नहीं जा सकी।',
  fileGone: 'फ़ाइल अब इस डिवाइस पर नहीं है',
  uploading: 'अपलोड हो रहा है',
  uploaded: '{percent}% अपलोड हुआ',
  internalFiles: 'आंतरिक: किसान को नहीं दिखता',
  photo: 'फ़ोटो {name}',
  closeView: 'फ़ोटो बंद करें',
};
