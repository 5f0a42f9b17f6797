/**
 * The page's only JavaScript (about 1.5 KB), inlined and allowed by its CSP hash. Without it the
 * page is complete; with it:
 * - each uptime bar becomes one tab stop whose days are walked with the arrow keys, Home and End
 *   (roving tabindex), so 50 components do not mean 4,500 tab presses;
 * - the page refreshes itself every 30 s (or `?refresh=N`, 2–300 s) while visible: it fetches
 *   itself and swaps <main>, keeping keyboard focus on the same day. The swapped HTML is the
 *   server's own rendering (escaped, sanitised), and innerHTML never runs scripts.
 */
export const PAGE_SCRIPT = `(function(){
var d=document,A=Array.prototype;
function days(b){return A.filter.call(b.querySelectorAll('i'),function(x){return x.offsetParent!==null})}
function norm(b,c){var ds=days(b),a=c&&ds.indexOf(c)>=0?c:ds[ds.length-1];A.forEach.call(b.querySelectorAll('i'),function(x){x.tabIndex=x===a?0:-1})}
function all(){A.forEach.call(d.querySelectorAll('.sp-bar'),function(b){norm(b)})}
function isDay(t){return !!(t&&t.parentElement&&t.tagName==='I'&&t.parentElement.classList.contains('sp-bar'))}
d.addEventListener('keydown',function(e){var t=e.target,k=e.key;if(!isDay(t)||['ArrowLeft','ArrowRight','Home','End'].indexOf(k)<0)return;e.preventDefault();var b=t.closest('.sp-bar'),ds=days(b),i=ds.indexOf(t);var n=k==='ArrowRight'?ds[i+1]:k==='ArrowLeft'?ds[i-1]:k==='Home'?ds[0]:ds[ds.length-1];if(n){norm(b,n);n.focus()}});
d.addEventListener('focusin',function(e){if(isDay(e.target))norm(e.target.closest('.sp-bar'),e.target)});
addEventListener('resize',function(){if(!isDay(d.activeElement))all()});
all();
var q=Number(new URLSearchParams(location.search).get('refresh')),s=q>=2&&q<=300?q:30,last=Date.now();
function refresh(){if(d.visibilityState!=='visible')return;last=Date.now();
fetch(location.href,{cache:'no-store',headers:{accept:'text/html'}}).then(function(r){return r.ok?r.text():null}).then(function(h){
if(!h)return;var m=new DOMParser().parseFromString(h,'text/html').getElementById('sp-main'),cur=d.getElementById('sp-main');if(!m||!cur)return;
var a=d.activeElement,bi=-1,di=-1;if(isDay(a)){var b=a.closest('.sp-bar');bi=A.indexOf.call(d.querySelectorAll('.sp-bar'),b);di=A.indexOf.call(b.querySelectorAll('i'),a)}
cur.innerHTML=m.innerHTML;all();
if(bi>=0){var nb=d.querySelectorAll('.sp-bar')[bi],nd=nb&&nb.querySelectorAll('i')[di];if(nd){norm(nb,nd);nd.focus()}}
}).catch(function(){})}
setInterval(refresh,s*1000);
d.addEventListener('visibilitychange',function(){if(d.visibilityState==='visible'&&Date.now()-last>s*1000)refresh()});
})();`;
