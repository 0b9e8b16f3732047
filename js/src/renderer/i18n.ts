/**
 * The renderer's default strings (form buttons, the file picker, the validation and upload
 * messages Python names by key) in the browser's language: en, zh, ru, de, fr, es, ja, English
 * otherwise. ONE table: Python sends keys (`invalid_feedback_key`) and English fallbacks,
 * never translations, so a string is translated here or nowhere.
 *
 * The language is `navigator.language` (the same in a notebook: the widget runs in the
 * user's browser), read once per lookup so a test can change it.
 */

export const LANGUAGES = ["en", "zh", "ru", "de", "fr", "es", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];

const EN = {
  submit: "Submit",
  reset: "Reset",
  cancel: "Cancel",
  choose_file: "Choose file",
  required: "Please fill in this field.",
  integer: "Please enter an integer.",
  number: "Please enter a number.",
  option: "Please choose one of the options.",
  minlength: "Please use at least {0} characters.",
  maxlength: "Please use at most {0} characters.",
  invalid: "Please enter a valid value.",
  fullscreen_hint: "Esc / F11: full screen",
  upload_one_file: "Only one file can be uploaded here.",
  upload_max_files: "At most {0} files can be uploaded here.",
  upload_max_size: "A file is larger than the limit of {0}.",
  upload_max_total_size: "The files are larger than the total limit of {0}.",
  upload_malformed: "The upload was malformed; please choose the file again.",
  upload_missing: "A file was not uploaded; please submit again.",
  upload_incomplete: "An upload did not complete; please submit again.",
  upload_failed: "The upload failed: {0}",
} as const;

export type StringKey = keyof typeof EN;

/** Every language has every key (a missing one is a compile error). */
const STRINGS: { readonly [L in Language]: { readonly [K in StringKey]: string } } = {
  en: EN,
  zh: {
    submit: "提交",
    reset: "重置",
    cancel: "取消",
    choose_file: "选择文件",
    required: "请填写此字段。",
    integer: "请输入整数。",
    number: "请输入数字。",
    option: "请从选项中选择。",
    minlength: "请至少输入 {0} 个字符。",
    maxlength: "请最多输入 {0} 个字符。",
    invalid: "请输入有效的值。",
    fullscreen_hint: "Esc / F11：全屏",
    upload_one_file: "此处只能上传一个文件。",
    upload_max_files: "此处最多只能上传 {0} 个文件。",
    upload_max_size: "有文件超过了 {0} 的大小限制。",
    upload_max_total_size: "文件总大小超过了 {0} 的限制。",
    upload_malformed: "上传的数据有误，请重新选择文件。",
    upload_missing: "有文件未上传，请重新提交。",
    upload_incomplete: "上传未完成，请重新提交。",
    upload_failed: "上传失败：{0}",
  },
  ru: {
    submit: "Отправить",
    reset: "Сбросить",
    cancel: "Отмена",
    choose_file: "Выберите файл",
    required: "Пожалуйста, заполните это поле.",
    integer: "Введите целое число.",
    number: "Введите число.",
    option: "Выберите один из вариантов.",
    minlength: "Введите не менее {0} символов.",
    maxlength: "Введите не более {0} символов.",
    invalid: "Введите допустимое значение.",
    fullscreen_hint: "Esc / F11: полноэкранный режим",
    upload_one_file: "Здесь можно загрузить только один файл.",
    upload_max_files: "Здесь можно загрузить не более {0} файлов.",
    upload_max_size: "Файл превышает ограничение в {0}.",
    upload_max_total_size: "Общий размер файлов превышает ограничение в {0}.",
    upload_malformed: "Загрузка повреждена; пожалуйста, выберите файл заново.",
    upload_missing: "Файл не был загружен; пожалуйста, отправьте форму ещё раз.",
    upload_incomplete: "Загрузка не завершилась; пожалуйста, отправьте форму ещё раз.",
    upload_failed: "Ошибка загрузки: {0}",
  },
  de: {
    submit: "Absenden",
    reset: "Zurücksetzen",
    cancel: "Abbrechen",
    choose_file: "Datei auswählen",
    required: "Bitte füllen Sie dieses Feld aus.",
    integer: "Bitte geben Sie eine ganze Zahl ein.",
    number: "Bitte geben Sie eine Zahl ein.",
    option: "Bitte wählen Sie eine der Optionen.",
    minlength: "Bitte verwenden Sie mindestens {0} Zeichen.",
    maxlength: "Bitte verwenden Sie höchstens {0} Zeichen.",
    invalid: "Bitte geben Sie einen gültigen Wert ein.",
    fullscreen_hint: "Esc / F11: Vollbild",
    upload_one_file: "Hier kann nur eine Datei hochgeladen werden.",
    upload_max_files: "Hier können höchstens {0} Dateien hochgeladen werden.",
    upload_max_size: "Eine Datei ist größer als das Limit von {0}.",
    upload_max_total_size: "Die Dateien sind zusammen größer als das Limit von {0}.",
    upload_malformed: "Der Upload war fehlerhaft; bitte wählen Sie die Datei erneut aus.",
    upload_missing: "Eine Datei wurde nicht hochgeladen; bitte senden Sie erneut.",
    upload_incomplete: "Ein Upload wurde nicht abgeschlossen; bitte senden Sie erneut.",
    upload_failed: "Der Upload ist fehlgeschlagen: {0}",
  },
  fr: {
    submit: "Envoyer",
    reset: "Réinitialiser",
    cancel: "Annuler",
    choose_file: "Choisir un fichier",
    required: "Veuillez renseigner ce champ.",
    integer: "Veuillez saisir un nombre entier.",
    number: "Veuillez saisir un nombre.",
    option: "Veuillez choisir l'une des options.",
    minlength: "Veuillez utiliser au moins {0} caractères.",
    maxlength: "Veuillez utiliser au plus {0} caractères.",
    invalid: "Veuillez saisir une valeur valide.",
    fullscreen_hint: "Échap / F11 : plein écran",
    upload_one_file: "Un seul fichier peut être envoyé ici.",
    upload_max_files: "Au plus {0} fichiers peuvent être envoyés ici.",
    upload_max_size: "Un fichier dépasse la limite de {0}.",
    upload_max_total_size: "Les fichiers dépassent la limite totale de {0}.",
    upload_malformed: "L'envoi était incorrect ; veuillez choisir le fichier à nouveau.",
    upload_missing: "Un fichier n'a pas été envoyé ; veuillez soumettre à nouveau.",
    upload_incomplete: "Un envoi ne s'est pas terminé ; veuillez soumettre à nouveau.",
    upload_failed: "L'envoi a échoué : {0}",
  },
  es: {
    submit: "Enviar",
    reset: "Restablecer",
    cancel: "Cancelar",
    choose_file: "Elegir archivo",
    required: "Por favor, rellena este campo.",
    integer: "Introduce un número entero.",
    number: "Introduce un número.",
    option: "Elige una de las opciones.",
    minlength: "Usa al menos {0} caracteres.",
    maxlength: "Usa como máximo {0} caracteres.",
    invalid: "Introduce un valor válido.",
    fullscreen_hint: "Esc / F11: pantalla completa",
    upload_one_file: "Aquí solo se puede subir un archivo.",
    upload_max_files: "Aquí se pueden subir como máximo {0} archivos.",
    upload_max_size: "Un archivo supera el límite de {0}.",
    upload_max_total_size: "Los archivos superan el límite total de {0}.",
    upload_malformed: "La subida no es válida; vuelve a elegir el archivo.",
    upload_missing: "Un archivo no se subió; vuelve a enviar el formulario.",
    upload_incomplete: "Una subida no se completó; vuelve a enviar el formulario.",
    upload_failed: "La subida falló: {0}",
  },
  ja: {
    submit: "送信",
    reset: "リセット",
    cancel: "キャンセル",
    choose_file: "ファイルを選択",
    required: "このフィールドを入力してください。",
    integer: "整数を入力してください。",
    number: "数値を入力してください。",
    option: "選択肢から選んでください。",
    minlength: "{0} 文字以上で入力してください。",
    maxlength: "{0} 文字以内で入力してください。",
    invalid: "有効な値を入力してください。",
    fullscreen_hint: "Esc / F11：全画面",
    upload_one_file: "ここにはファイルを 1 つだけアップロードできます。",
    upload_max_files: "ここには最大 {0} 個のファイルをアップロードできます。",
    upload_max_size: "ファイルが上限の {0} を超えています。",
    upload_max_total_size: "ファイルの合計が上限の {0} を超えています。",
    upload_malformed: "アップロードが不正です。ファイルをもう一度選択してください。",
    upload_missing: "アップロードされていないファイルがあります。もう一度送信してください。",
    upload_incomplete: "アップロードが完了しませんでした。もう一度送信してください。",
    upload_failed: "アップロードに失敗しました: {0}",
  },
};

/** The table's language for a BCP 47 tag ("de-AT" -> "de"), or English. */
export function languageOf(tag: string | undefined | null): Language {
  const primary = (tag ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return LANGUAGES.find((language) => language === primary) ?? "en";
}

/** Whether `key` names a string of the table (keys off the wire are checked with it). */
export function isStringKey(key: unknown): key is StringKey {
  return typeof key === "string" && (Object.keys(EN) as string[]).includes(key);
}

/** The string `key` in the browser's language; `{0}`, `{1}`... are replaced by `args`. */
export function t(
  key: StringKey,
  tag: string | undefined = globalThis.navigator?.language,
  args: readonly unknown[] = [],
): string {
  return STRINGS[languageOf(tag)][key].replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)] ?? ""));
}
