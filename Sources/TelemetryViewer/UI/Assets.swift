/// The stylesheet and script of every page: small, dependency-free, served from this server under fixed paths so
/// that the Content-Security-Policy can forbid inline script.
enum Assets {
    /// Where pages load the stylesheet from.
    static let cssPath = "/assets/viewer.css"
    /// Where pages load the script from.
    static let scriptPath = "/assets/viewer.js"

    static let css = """
        :root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#f6f8fa;--accent:#0969da;--err:#cf222e;--ok:#1a7f37;--warn:#9a6700}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
        a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
        .nav{display:flex;align-items:center;gap:24px;padding:0 20px;height:48px;background:#24292f}
        .nav a{color:#d0d7de}.nav .brand{color:#fff;font-weight:600}
        .nav nav{display:flex;gap:4px}.nav nav a{padding:6px 10px;border-radius:6px}
        .nav nav a.active,.nav nav a:hover{background:#3d444d;color:#fff;text-decoration:none}
        main{padding:16px 20px;max-width:1400px}
        h1{font-size:20px;margin:4px 0 12px;word-break:break-all}h2{font-size:16px;margin:20px 0 8px}
        form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-end;padding:12px;background:var(--bg);border:1px solid var(--line);border-radius:8px;margin-bottom:14px}
        form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:3px}
        input,select{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:#fff;min-width:120px}
        button{font:inherit;padding:6px 14px;border:1px solid #1f883d;border-radius:6px;background:#1f883d;color:#fff;cursor:pointer}
        button.plain{background:#fff;color:var(--fg);border-color:var(--line)}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-size:12px;color:var(--muted);font-weight:600;background:var(--bg)}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .empty{color:var(--muted);padding:24px;text-align:center;border:1px dashed var(--line);border-radius:8px}
        .badge{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;background:#eaeef2;color:var(--fg)}
        .badge.error{background:#ffebe9;color:var(--err)}
        .mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
        .muted{color:var(--muted)}
        .summary{display:flex;flex-wrap:wrap;gap:18px;margin-bottom:12px;color:var(--muted)}.summary b{color:var(--fg)}
        .waterfall{border:1px solid var(--line);border-radius:8px;overflow:hidden}
        .wf-head,.span-row{display:grid;grid-template-columns:minmax(260px,34%) 1fr;align-items:center}
        .wf-head{background:var(--bg);font-size:12px;color:var(--muted);border-bottom:1px solid var(--line)}
        .wf-head>div{padding:4px 8px}.ticks{display:flex;justify-content:space-between}
        details.span{border-bottom:1px solid #eaeef2}details.span:last-child{border-bottom:0}
        details.span>summary{list-style:none;cursor:pointer}details.span>summary::-webkit-details-marker{display:none}
        details.span>summary:hover,details.span[open]>summary{background:#f6f8fa}
        details.span.target>summary{background:#fff8c5}
        .span-name{padding:4px 8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
        .span-name .svc{color:var(--muted);font-size:12px;margin-right:6px}
        .span-name.error .op{color:var(--err);font-weight:600}
        .timeline{position:relative;height:22px;margin:0 10px}
        .bar{position:absolute;top:5px;height:12px;border-radius:3px;min-width:2px}
        .bar-label{position:absolute;top:3px;font-size:11px;color:var(--muted);white-space:nowrap}
        .span-detail{padding:8px 12px 14px;background:#fbfcfd;border-top:1px solid #eaeef2}
        .span-detail h3{font-size:13px;margin:10px 0 4px}
        .kv{font-size:12px;width:auto;max-width:100%}.kv td{padding:2px 10px;border-bottom:1px solid #eef1f4}
        .kv td:first-child{color:var(--muted);white-space:nowrap;min-width:140px}
        .kv td:last-child{font-family:ui-monospace,Menlo,monospace;word-break:break-all}
        .sev{font-weight:600;font-size:12px}.sev-error{color:var(--err)}.sev-warn{color:var(--warn)}.sev-info{color:var(--accent)}.sev-debug{color:var(--muted)}
        .body{font-family:ui-monospace,Menlo,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px;max-width:980px}
        figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px}
        figure.chart figcaption{font-weight:600;margin-bottom:6px}
        svg.chart{width:100%;height:auto;display:block}
        svg.chart .axis{stroke:#d0d7de}svg.chart .grid{stroke:#eaeef2}
        svg.chart text{font-size:11px;fill:#656d76;font-family:system-ui,sans-serif}
        svg.chart path.line{fill:none;stroke-width:2}
        svg.chart path.line.c2{stroke-dasharray:7 5}svg.chart path.line.c1{stroke-width:3}
        .legend{display:flex;flex-wrap:wrap;gap:12px;font-size:12px;margin-top:6px}
        .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
        .c0{stroke:#0969da;background:#0969da}.c1{stroke:#bf3989;background:#bf3989}.c2{stroke:#1a7f37;background:#1a7f37}
        .c3{stroke:#9a6700;background:#9a6700}.c4{stroke:#8250df;background:#8250df}.c5{stroke:#cf222e;background:#cf222e}
        .b0{background:#54aeff}.b1{background:#d2a8ff}.b2{background:#4ac26b}.b3{background:#d4a72c}.b4{background:#ff8182}.b5{background:#76e3ea}
        .bar.error{background:var(--err)!important}
        svg.spark polyline{fill:none;stroke:#0969da;stroke-width:1.5}
        """

    /// Opens the span a link points at (`#span-…`) and marks it; everything else works without script. The expand
    /// and collapse buttons are rendered hidden and shown once wired, so they never appear dead. They are wired first, and a fragment that is not valid percent-encoding (`#%E0`) is ignored rather than thrown,
    /// so a hostile link cannot leave them dead.
    static let script = """
        (function(){
          document.querySelectorAll('[data-toggle-all]').forEach(function(b){
            b.addEventListener('click',function(){
              var open=b.getAttribute('data-toggle-all')==='open';
              document.querySelectorAll('details.span').forEach(function(d){d.open=open});
            });
            b.hidden=false;
          });
          function openTarget(){
            var id;
            try{id=decodeURIComponent(location.hash.slice(1));}catch(e){return;}
            if(!id)return;
            var el=document.getElementById(id);
            if(!el)return;
            document.querySelectorAll('details.span.target').forEach(function(d){d.classList.remove('target')});
            if(el.tagName==='DETAILS'){el.open=true;el.classList.add('target');}
            el.scrollIntoView({block:'center'});
          }
          window.addEventListener('hashchange',openTarget);
          openTarget();
        })();
        """
}
