// Kiswahili, photos and files (attach.js). AWAITING REVIEW by a native speaker (see sw.strings.js).
export default {
  toSend: 'Za kutuma',
  sendOriginal: 'Tuma picha asili (kubwa zaidi)',
  removeFile: 'Ondoa {name}',
  preparing: 'Inaandaliwa…',
  fiveFiles: 'Faili 5 tu kwa ujumbe mmoja.',
  fileKinds: 'Picha (JPEG, PNG, WebP) na faili za PDF pekee ndizo zinaweza kutumwa.',
  fileFailed: 'Faili hii haikuweza kusomwa.',
  fileGone: 'faili haipo tena kwenye kifaa hiki',
  uploading: 'Inapakia',
  uploaded: '{percent}% imepakiwa',
  internalFiles: 'Ya ndani: mkulima haioni',
  photo: 'Picha {name}',
  closeView: 'Funga picha',
};
