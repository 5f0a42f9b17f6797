/**
 * The stylesheet of the public page, inlined into every response (about 6 KB before gzip): the
 * page does not depend on the dashboard's build output, and one response is the whole page.
 * Light and dark follow the visitor's OS setting (prefers-color-scheme), with or without JS.
 * The status palette keeps 4.5:1 contrast for white text on the banner.
 */
export const PAGE_CSS = `
:root{--bg:#f7f8fa;--surface:#fff;--muted:#f0f2f5;--border:#d8dde3;--fg:#1c2128;--fg-muted:#57606a;
--ok:#1a7f37;--warn:#9a6700;--partial:#bc4c00;--major:#cf222e;--maint:#0969da;--none:#b5bcc5;--minor:#bf8700;
--ok-text:#1a7f37;--warn-text:#9a6700;--bad-text:#cf222e;--maint-text:#0969da;--link:#0969da;color-scheme:light}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--surface:#161b22;--muted:#1f2630;--border:#30363d;--fg:#e6edf3;--fg-muted:#9ea7b3;
--none:#4a515b;--ok-text:#4ac26b;--warn-text:#d4a72c;--bad-text:#ff7b72;--maint-text:#6cb6ff;--link:#6cb6ff;color-scheme:dark}}
*,*::before,*::after{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--fg)}
body{font:16px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
h1,h2,h3,h4,p{margin:0}
a{color:inherit}
:focus-visible{outline:2px solid var(--link);outline-offset:2px}
.skip{position:absolute;left:-999px;top:8px;background:var(--surface);padding:8px 12px;border-radius:6px;z-index:50}
.skip:focus{left:8px}
.accent{height:6px;background:var(--accent,#0969da)}
.wrap{max-width:48rem;margin:0 auto;padding-left:1rem;padding-right:1rem}
@media (min-width:640px){.wrap{padding-left:1.5rem;padding-right:1.5rem}}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding-top:2rem;padding-bottom:1.5rem}
.top img{height:2.5rem;width:auto;max-width:10rem;object-fit:contain}
.top h1{font-size:1.5rem;line-height:1.25;font-weight:700;overflow-wrap:anywhere}
.top h1 a{text-decoration:none}.top h1 a:hover{text-decoration:underline}
.muted{color:var(--fg-muted)}
.top .muted{margin-top:.25rem;overflow-wrap:anywhere}
main{display:flex;flex-direction:column;gap:2rem;padding-bottom:2.5rem}
section>h2{font-size:1.125rem;font-weight:600;margin-bottom:.75rem}
.stack{display:flex;flex-direction:column;gap:.75rem}
.card{background:var(--surface);border:1px solid var(--border);border-radius:.5rem;padding:1rem}
@media (min-width:640px){.card{padding:1.25rem}}
.banner{border-radius:.5rem;padding:1rem 1.25rem;color:#fff;box-shadow:0 1px 2px rgb(0 0 0/.08)}
.banner>div{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
.banner h2{display:flex;align-items:center;gap:.75rem;font-size:1.125rem;font-weight:600;margin:0}
.banner .icon{display:inline-flex;width:1.75rem;height:1.75rem;align-items:center;justify-content:center;border-radius:999px;background:rgb(255 255 255/.2)}
.banner p{font-size:.875rem}
.t-operational{background:var(--ok)}.t-degraded{background:var(--warn)}.t-partial_outage{background:var(--partial)}.t-major_outage{background:var(--major)}.t-maintenance{background:var(--maint)}
.head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.25rem 1rem}
.head h3,.head h4{font-size:1rem;font-weight:600;overflow-wrap:anywhere}
.small{font-size:.875rem}.tiny{font-size:.75rem}
.c-operational{color:var(--ok-text)}.c-degraded{color:var(--warn-text)}.c-outage{color:var(--bad-text)}.c-maintenance,.c-scheduled{color:var(--maint-text)}.c-unknown{color:var(--fg-muted)}
.status{font-size:.875rem;font-weight:600}
.group{background:var(--surface);border:1px solid var(--border);border-radius:.5rem}
.group>h3{padding:.75rem 1rem;border-bottom:1px solid var(--border);font-size:.8125rem;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:var(--fg-muted)}
.group>ul{list-style:none;margin:0;padding:0}
.group>ul>li{padding:1rem}
.group>ul>li+li{border-top:1px solid var(--border)}
@media (min-width:640px){.group>h3,.group>ul>li{padding-left:1.25rem;padding-right:1.25rem}}
.group h4{font-weight:500}
.sp-bar{display:flex;gap:2px;height:2.25rem;margin-top:.75rem}
.sp-bar>i{position:relative;flex:1 1 0;min-width:0;border-radius:2px;background:var(--none);outline-offset:1px}
.sp-bar>i[data-t=u]{background:var(--ok)}.sp-bar>i[data-t=m]{background:var(--minor)}.sp-bar>i[data-t=j]{background:var(--partial)}.sp-bar>i[data-t=d]{background:var(--major)}
.sp-bar>i:hover{opacity:.8}.sp-bar>i:focus{opacity:1}
.sp-bar>i::after{content:attr(aria-label);display:none;position:absolute;bottom:calc(100% + 8px);left:50%;transform:translateX(-50%);z-index:20;width:max-content;max-width:13rem;padding:.4rem .6rem;border-radius:.375rem;border:1px solid var(--border);background:var(--surface);color:var(--fg);box-shadow:0 4px 14px rgb(0 0 0/.18);font-size:.8125rem;font-style:normal;line-height:1.35;pointer-events:none}
.sp-bar>i:hover::after,.sp-bar>i:focus::after{display:block}
.sp-bar>i:nth-child(-n+12)::after{left:0;transform:none}
.sp-bar>i:nth-last-child(-n+12)::after{left:auto;right:0;transform:none}
.range{display:flex;justify-content:space-between;gap:.5rem;margin-top:.375rem;font-size:.75rem;color:var(--fg-muted)}
@media (max-width:639px){.sp-bar>i:nth-last-child(n+31){display:none}.sp-bar>i:nth-last-child(30)::after{left:0;transform:none}.r90{display:none}}
@media (min-width:640px){.r30{display:none}}
.timeline{list-style:none;margin:.75rem 0 0;padding:0 0 0 1rem;border-left:2px solid var(--border);display:flex;flex-direction:column;gap:.75rem}
.msg{font-size:.875rem;overflow-wrap:anywhere}
.msg p{margin:.25rem 0}.msg ul,.msg ol{margin:.25rem 0 .25rem 1.25rem;padding:0}
.msg a,.links a,.more a{color:var(--link)}
.msg code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em;padding:0 .25rem;border-radius:.25rem;background:var(--muted)}
.maint{border-left:4px solid var(--maint)}
.upper{text-transform:uppercase;font-size:.75rem;font-weight:600}
.empty{color:var(--fg-muted)}
footer{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.75rem;border-top:1px solid var(--border);padding-top:1.5rem;padding-bottom:1.5rem;font-size:.875rem;color:var(--fg-muted)}
.links{display:flex;flex-wrap:wrap;gap:1rem}
.plain{list-style:none;margin:0;padding:0}
.center{padding-top:4rem;text-align:center}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
.sp-aside{padding-bottom:2.5rem}
.sp-subscribe,.sp-flow{display:flex;flex-direction:column;gap:.75rem}
.sp-field{display:flex;flex-direction:column;gap:.25rem;font-size:.875rem}
.sp-field input,.sp-field select{font:inherit;padding:.5rem .625rem;border:1px solid var(--border);border-radius:6px;background:var(--surface);color:var(--fg);min-height:2.5rem}
.sp-choices{border:1px solid var(--border);border-radius:6px;padding:.5rem .75rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.875rem}
.sp-choices legend{padding:0 .25rem;color:var(--fg-muted)}
.sp-subscribe button,.sp-flow button{font:inherit;font-weight:600;align-self:flex-start;min-height:2.5rem;padding:.5rem 1rem;border:0;border-radius:6px;background:var(--accent,#0969da);color:#fff;cursor:pointer}
.sp-flow button.secondary{background:var(--muted);color:var(--fg)}
.sp-error{color:var(--bad-text);font-weight:600}.sp-ok{color:var(--ok-text);font-weight:600}
details summary{cursor:pointer;font-size:.875rem;color:var(--fg-muted)}
`;
