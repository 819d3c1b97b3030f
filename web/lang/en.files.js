// The words of photos and files (attach.js, loaded on demand): apart from en.strings.js, so that the pages'
// first load (the farmer page's 40 KB) does not carry them. Keys as in the other languages' .files.js.
export default {
  toSend: 'To send',
  sendOriginal: 'Send original (larger)',
  removeFile: 'Remove {name}',
  preparing: 'Preparing…',
  fiveFiles: 'At most 5 files in a message.',
  fileKinds: 'Only photos (JPEG, PNG, WebP) and PDF files can be sent.',
  fileFailed: 'This file could not be read.',
  fileGone: 'the file is no longer on this device',
  uploading: 'Uploading',
  uploaded: '{percent}% uploaded',
  internalFiles: 'Internal: not shown to the farmer',
  photo: 'Photo {name}',
  closeView: 'Close photo',
};
