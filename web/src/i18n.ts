/**
 * English and Simplified Chinese. The choice is remembered in localStorage; numbers and dates are
 * formatted with the language's locale (Intl), so 1,234.5 reads 1,234.5 in both and dates follow
 * the locale's order.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en.ts';
import { zh } from './locales/zh.ts';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh', label: '简体中文' },
] as const;
const STORE = 'tracegraph.lang';

function initial(): string {
  const saved = localStorage.getItem(STORE);
  if (saved === 'en' || saved === 'zh') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initial(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

const htmlLang = (l: string) => (l === 'zh' ? 'zh-CN' : 'en');
document.documentElement.lang = htmlLang(i18next.language);
i18next.on('languageChanged', (l) => {
  localStorage.setItem(STORE, l);
  document.documentElement.lang = htmlLang(l);
});

export const locale = () => htmlLang(i18next.language);
export const fmtNum = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
export const fmtPct = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(n);
export const fmtTime = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso)) : '–';

export default i18next;
