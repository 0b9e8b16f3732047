/**
 * The renderer's default strings (form buttons, the file picker, the validation messages
 * Python names by key) in the browser's language: en, zh, ru, de, fr, es, ja, English
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
  fullscreen_hint: "Esc / F11: full screen",
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
    fullscreen_hint: "Esc / F11：全屏",
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
    fullscreen_hint: "Esc / F11: полноэкранный режим",
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
    fullscreen_hint: "Esc / F11: Vollbild",
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
    fullscreen_hint: "Échap / F11 : plein écran",
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
    fullscreen_hint: "Esc / F11: pantalla completa",
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
    fullscreen_hint: "Esc / F11：全画面",
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
